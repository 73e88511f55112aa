import { z } from 'zod';

/**
 * Inputs and Lua replies of the inventory pool. Inputs are checked before they reach Lua (a
 * fractional or negative quantity inside a script would corrupt counts); replies are parsed,
 * never cast, so a script change that breaks the contract fails loudly here.
 */

/** Quantities stay far below 1e14, where Lua's number-to-string conversion would lose digits. */
export const MAX_QTY = 1_000_000_000;

const noBraces = (s: string) => !/[{}]/.test(s);

export const Warehouse = z.string().min(1).refine(noBraces, 'warehouse must not contain { or } (Redis Cluster hash tag)');
export const Sku = z.string().min(1);

export const LockLine = z
  .object({
    lineId: z.string().min(1),
    sku: Sku,
    qty: z.number().int().positive().max(MAX_QTY),
  })
  .strict();
export type LockLine = z.infer<typeof LockLine>;

export const LockRequest = z
  .object({
    /** The hold's key: normally the hub's order key. One key holds at most once per line. */
    orderKey: z.string().min(1),
    warehouse: Warehouse,
    lines: z
      .array(LockLine)
      .min(1, 'a lock needs at least one line')
      // A repeated lineId would make "idempotent per line" ambiguous: which qty is the line's?
      .refine((ls) => new Set(ls.map((l) => l.lineId)).size === ls.length, 'duplicate lineId in one lock request'),
    /** Epoch ms when an unpaid lock lapses; null or absent for a paid order (no countdown). */
    expiresAt: z.number().int().nonnegative().nullable().optional(),
  })
  .strict();
export type LockRequest = z.input<typeof LockRequest>;

export const OnHandQty = z.number().int().nonnegative().max(MAX_QTY);

/** Lua's cjson encodes an empty table as `{}`; a list field accepts that as []. */
export function luaList<T extends z.ZodType>(item: T) {
  return z.union([z.array(item), z.object({}).strict().transform((): z.output<T>[] => [])]);
}

/** Every script replies with one JSON string. */
export function parseLuaJson<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  return schema.parse(JSON.parse(z.string().parse(raw)));
}

const HeldLine = z.object({ lineId: z.string(), sku: z.string(), qty: z.number().int().positive() }).strict();
export type HeldLine = z.infer<typeof HeldLine>;

const Shortage = z.object({ sku: z.string(), requested: z.number().int(), available: z.number().int() }).strict();
export type Shortage = z.infer<typeof Shortage>;

const Conflict = z
  .object({ lineId: z.string(), heldSku: z.string(), heldQty: z.number().int(), sku: z.string(), qty: z.number().int() })
  .strict();
export type Conflict = z.infer<typeof Conflict>;

export const CLOSED_STATE = ['released', 'committed'] as const;
/** 'handed': pushed to the WMS, which now counts the units as promised to its trade (see InventoryPool.handOver). */
export const OPEN_STATE = ['locked', 'handed'] as const;
export const HOLD_STATE = [...OPEN_STATE, ...CLOSED_STATE] as const;
export type HoldState = (typeof HOLD_STATE)[number];

export const LockReply = z.union([
  z
    .object({ ok: z.literal(true), locked: luaList(HeldLine), expiresAt: z.number().int().optional() })
    .strict()
    .transform((r) => ({ ok: r.ok, locked: r.locked, expiresAt: r.expiresAt ?? null })),
  z.object({ ok: z.literal(false), reason: z.enum(['insufficient', 'unknown_sku']), shortages: luaList(Shortage) }).strict(),
  z.object({ ok: z.literal(false), reason: z.literal('conflict'), conflicts: luaList(Conflict) }).strict(),
  z.object({ ok: z.literal(false), reason: z.literal('closed'), state: z.enum(CLOSED_STATE) }).strict(),
]);
export type LockResult = z.output<typeof LockReply>;

export const SettleReply = z
  .object({
    previous: z.enum([...HOLD_STATE, 'none']),
    state: z.enum(CLOSED_STATE),
    lines: luaList(HeldLine),
  })
  .strict();

export const ReleaseExpiredReply = luaList(z.object({ orderKey: z.string(), lines: luaList(HeldLine) }).strict());

export const ConfirmPaidReply = z.object({ state: z.enum([...HOLD_STATE, 'none']) }).strict();

export const SetOnHandReply = z.object({ applied: z.boolean(), onHand: z.number().int(), locked: z.number().int() }).strict();

export const HandOverReply = z.object({ previous: z.enum([...HOLD_STATE, 'none']), lines: luaList(HeldLine) }).strict();

/** A Redis hash as HGETALL returns it, with integer values. */
export const IntHash = z.record(z.string(), z.string().regex(/^-?\d+$/).transform(Number));

/** What MULTI ... EXEC returns when no command failed: [null, result] per command. */
export function execResults<T extends z.ZodType>(item: T) {
  return z.array(z.tuple([z.null(), item]));
}
