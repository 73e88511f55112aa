import { z } from 'zod';
import { SANDBOX_FAULT, startSandboxServer, type SandboxFaults, type SandboxLog, type SandboxRequest, type SandboxResponse, type SandboxServer } from './core.js';

/**
 * What the sales-platform sandboxes (Taobao, Pinduoduo, Douyin, Youzan, Shopify) share on top of
 * core.ts: a server whose "bad signature" switch reaches the handler, JSON with exact int64 ids,
 * scripted business errors, the shipment and stock ledger, order-input parsing and pushes.
 */

/** What a platform handler is told about the current request beyond the request itself. */
export interface PlatformRequestContext {
  /** The BAD_SIGNATURE switch is on for this request: answer with the platform's own signature error. */
  badSignature: boolean;
}
export type PlatformHandler = (req: SandboxRequest, ctx: PlatformRequestContext) => SandboxResponse | Promise<SandboxResponse>;

/**
 * startSandboxServer with BAD_SIGNATURE counted here, per request that reaches the handler. The
 * core switches modes off (and counts `remaining`) before it calls the handler, so a handler
 * reading `server.faults` would miss the last counted bad-signature request.
 */
export async function startPlatformServer(opts: { port?: number; handler: PlatformHandler }): Promise<SandboxServer> {
  let sig: { remaining: number | null } | null = null;
  const inner = await startSandboxServer({
    ...(opts.port === undefined ? {} : { port: opts.port }),
    handler: (req) => {
      const bad = sig !== null;
      if (sig && sig.remaining !== null) sig = sig.remaining <= 1 ? null : { remaining: sig.remaining - 1 };
      return opts.handler(req, { badSignature: bad });
    },
  });
  return {
    get url() {
      return inner.url;
    },
    get faults(): SandboxFaults {
      return sig ? { ...inner.faults, mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: sig.remaining } : inner.faults;
    },
    setFaults(f: Partial<SandboxFaults>) {
      if (f.mode === SANDBOX_FAULT.BAD_SIGNATURE) {
        sig = { remaining: f.remaining ?? null };
        inner.setFaults({ ...f, mode: SANDBOX_FAULT.NONE, remaining: null });
        return;
      }
      if (f.mode !== undefined) sig = null;
      else if (sig && f.remaining !== undefined) {
        sig = { remaining: f.remaining };
        const { remaining: _ignored, ...rest } = f;
        inner.setFaults(rest);
        return;
      }
      inner.setFaults(f);
    },
    get requestCount() {
      return inner.requestCount;
    },
    get arrivals() {
      return inner.arrivals;
    },
    close: () => inner.close(),
  };
}

const BIG = '\u0000bigint:';

/**
 * JSON text in which bigint values are written as bare integer literals, as TOP writes tid/oid
 * beyond 2^53 (JSON.stringify cannot, and a JS number would round them).
 */
export function jsonText(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${BIG}${v.toString()}` : v));
  return text.replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}

export function jsonResponse(value: unknown, status = 200, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json;charset=utf-8', ...headers }, body: jsonText(value) };
}

/**
 * Business errors queued by a test or the simulator, answered instead of the next matching
 * calls (a platform's own error body, e.g. TOP isp.* or a PDD rate limit), then forgotten.
 */
export class ErrorScript<E> {
  private queue: { api: string | null; left: number; error: E }[] = [];
  failNext(error: E, opts: { api?: string; times?: number } = {}): void {
    this.queue.push({ api: opts.api ?? null, left: opts.times ?? 1, error });
  }
  take(api: string): E | null {
    const i = this.queue.findIndex((q) => q.api === null || q.api === api);
    const q = this.queue[i];
    if (!q) return null;
    q.left -= 1;
    if (q.left <= 0) this.queue.splice(i, 1);
    return q.error;
  }
  clear(): void {
    this.queue = [];
  }
}

/** One shipment confirmation the platform accepted (or a waybill change of one). */
export interface PlatformShipment {
  orderId: string;
  companyCode: string;
  trackingNumber: string;
  /** Sub-order / line ids of a partial shipment; null: the whole order. */
  lineIds: string[] | null;
  kind: 'confirm' | 'resend';
  at: string;
}

/** One stock figure the platform accepted for a listed SKU. */
export interface PlatformStockSet {
  sku: string;
  quantity: number;
  /** The platform's own address of the SKU (num_iid:sku_id, goods_id:sku_id, inventory_item_id...). */
  listing: string;
  at: string;
}

/** Shipments and stock as the platform holds them; the log gets an event for each change. */
export class PlatformLedger {
  readonly shipments: PlatformShipment[] = [];
  readonly stock = new Map<string, number>();
  readonly stockSets: PlatformStockSet[] = [];
  constructor(
    private readonly log: SandboxLog,
    private readonly clock: () => Date,
  ) {}
  ship(kind: string, s: Omit<PlatformShipment, 'at'>): PlatformShipment {
    const rec = { ...s, at: this.clock().toISOString() };
    this.shipments.push(rec);
    this.log.record(kind, s.orderId, { companyCode: s.companyCode, trackingNumber: s.trackingNumber, lineIds: s.lineIds, kind: s.kind });
    return rec;
  }
  setStock(kind: string, s: Omit<PlatformStockSet, 'at'>): void {
    this.stock.set(s.sku, s.quantity);
    this.stockSets.push({ ...s, at: this.clock().toISOString() });
    this.log.record(kind, s.sku, { quantity: s.quantity, listing: s.listing });
  }
  /** Shipments of one order, oldest first. */
  shipmentsOf(orderId: string): PlatformShipment[] {
    return this.shipments.filter((s) => s.orderId === orderId);
  }
  toJSON() {
    return { shipments: this.shipments.map((s) => ({ ...s })), stock: Object.fromEntries(this.stock), stockSets: this.stockSets.map((s) => ({ ...s })) };
  }
}

/** A time given to placeOrder/updateOrder: a Date or ISO-8601 with offset. */
export const SandboxTime = z.union([z.date(), z.iso.datetime({ offset: true }).transform((s) => new Date(s))]);

/** An order line as a test or the simulator describes it; money in integer minor units (fen, cents). */
export const SandboxLine = z
  .object({
    sku: z.string().min(1).describe('merchant SKU (outer id)'),
    qty: z.number().int().positive(),
    price: z.number().int().nonnegative().describe('unit price in minor units'),
    title: z.string().min(1).optional(),
    /** The platform's line id; generated from the order id when absent. */
    lineId: z.string().regex(/^\d+$/).optional(),
  })
  .strict();
export type SandboxLine = z.output<typeof SandboxLine>;

/** Parses a sandbox extra's input; a bad one fails naming the field and the reason. */
export function parseSandboxInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const where = r.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  throw new Error(`${what}: ${where}`);
}

/** Yuan text with two decimals from minor units ("323.58"), as TOP, PDD and Youzan write money. */
export function yuan(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const a = Math.abs(minor);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** What the hub answered a push. */
export interface PushResult {
  status: number;
  body: string;
}

/**
 * POSTs a signed push to the hub and records it. A hub that cannot be reached is recorded and
 * rethrown: the caller (a test, the simulator) decides whether the platform would push again.
 */
export async function pushToHub(a: { log: SandboxLog; kind: string; key: string | null; url: string; body: string; headers: Record<string, string>; timeoutMs?: number }): Promise<PushResult> {
  try {
    const res = await fetch(a.url, { method: 'POST', headers: a.headers, body: a.body, signal: AbortSignal.timeout(a.timeoutMs ?? 10_000) });
    const text = await res.text();
    a.log.record(a.kind, a.key, { url: a.url, status: res.status });
    return { status: res.status, body: text };
  } catch (err) {
    a.log.record(a.kind, a.key, { url: a.url, status: null, error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}

/** The hub's base URL joined with a route path, without doubled slashes. */
export function hubRoute(hubUrl: string, path: string): string {
  return `${hubUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

export const SandboxListingInput = z
  .object({
    sku: z.string().min(1).describe("the SKU's merchant code (outer id)"),
    itemId: z.string().regex(/^\d+$/).optional().describe('the item / product / goods id'),
    skuId: z.string().regex(/^\d+$/).optional(),
    quantity: z.number().int().nonnegative().default(0),
  })
  .strict();
export type SandboxListingInput = z.input<typeof SandboxListingInput>;

/** One merchant SKU as a platform lists it: a SKU id under an item id, with its stock. */
export interface ListedSku {
  sku: string;
  itemId: string;
  skuId: string;
  quantity: number;
}

/**
 * A shop's listings. Unknown SKUs get ids of their own when an order first names them (each on
 * an item of its own), so every order line and every stock push has a target.
 */
export class PlatformListings {
  private readonly bySku = new Map<string, ListedSku>();
  private next = 1;
  constructor(
    private readonly what: string,
    private readonly idBase: { item: bigint; sku: bigint },
  ) {}

  list(raw: SandboxListingInput): ListedSku {
    const l = parseSandboxInput(SandboxListingInput, raw, `${this.what} listItem`);
    const n = this.next++;
    const entry = { sku: l.sku, itemId: l.itemId ?? String(this.idBase.item + BigInt(n)), skuId: l.skuId ?? String(this.idBase.sku + BigInt(n)), quantity: l.quantity };
    this.bySku.set(l.sku, entry);
    return entry;
  }

  ensure(sku: string): ListedSku {
    return this.bySku.get(sku) ?? this.list({ sku });
  }

  /** The SKU a stock call addresses: item plus SKU id, or plus merchant code, or the item's only SKU. */
  find(itemId: string, skuId: string | undefined, outerId: string | undefined): ListedSku | 'no-item' | 'no-sku' {
    const onItem = this.onItem(itemId);
    if (onItem.length === 0) return 'no-item';
    const hit = skuId !== undefined ? onItem.find((s) => s.skuId === skuId) : outerId !== undefined ? onItem.find((s) => s.sku === outerId) : onItem.length === 1 ? onItem[0] : undefined;
    return hit ?? 'no-sku';
  }

  onItem(itemId: string): ListedSku[] {
    return [...this.bySku.values()].filter((s) => s.itemId === itemId);
  }

  all(): ListedSku[] {
    return [...this.bySku.values()];
  }
}
