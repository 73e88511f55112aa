import type { Activities } from '../../src/activities/index.js';
import type { InvokeAdapterInput } from '../../src/activities/invoke-adapter.js';
import type { RulesCheck } from '../../src/rules/check.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';

/**
 * Stub activities for workflow-level lifecycle tests: each records its calls in order (name,
 * idempotency key, capability) so a test says which activities ran with which keys, and any one
 * of them can be scripted per test (fail a few times, block until released, answer otherwise).
 */

/** The activities the lifecycle (and the stock push it may start) calls. */
export type LifecycleActivities = Pick<
  Activities,
  | 'recordOrder'
  | 'checkOrderRules'
  | 'lockInventory'
  | 'confirmInventoryPaid'
  | 'releaseInventory'
  | 'commitInventory'
  | 'handOverInventory'
  | 'requestDecision'
  | 'clearDecision'
  | 'invokeAdapter'
  | 'notifyPickup'
  | 'auditAddressChange'
  | 'stockSnapshot'
  | 'syncStockFromWms'
  | 'projectOrder'
>;
type Name = keyof LifecycleActivities;
type In<N extends Name> = Parameters<LifecycleActivities[N]>[0];
type Out<N extends Name> = Awaited<ReturnType<LifecycleActivities[N]>>;

export interface ActivityCall {
  name: Name;
  /** The call's idempotency key (hold key for stock calls), null for calls that take none. */
  key: string | null;
  /** invokeAdapter only: the capability asked for. */
  capability: string | null;
  input: unknown;
}

/**
 * Per-test behaviour of a stub. `n` counts the calls with the same name and key, this one
 * included (1 = first try), so a stub can fail a few times and then succeed. Throwing fails the
 * activity like the real one would.
 */
export type StubBehaviour = { [N in Name]?: (input: In<N>, n: number) => Out<N> | Promise<Out<N>> };

function keyOf(name: Name, input: unknown): string | null {
  if (typeof input !== 'object' || input === null) return null;
  if (name === 'projectOrder') {
    const seq: unknown = Object.getOwnPropertyDescriptor(input, 'seq')?.value;
    return typeof seq === 'number' ? `seq-${seq}` : null;
  }
  const field = ['lockInventory', 'confirmInventoryPaid', 'releaseInventory', 'commitInventory', 'handOverInventory'].includes(name) ? 'holdKey' : 'idempotencyKey';
  const v: unknown = Object.getOwnPropertyDescriptor(input, field)?.value;
  return typeof v === 'string' ? v : null;
}

/** Rules that let the order through: no holds, SF, no surcharge. */
export function rulesPass(over: Partial<RulesCheck> = {}): RulesCheck {
  return { holds: [], giftLines: [], carrier: 'SF', surcharge: null, waybillNotes: [], address: { matched: true, divisionCode: null, reason: 'not_checked' }, risk: null, ...over };
}

/** Every line locked. */
export function lockOk(input: In<'lockInventory'>): Out<'lockInventory'> {
  return { ok: true, locked: input.lines, expiresAt: input.expiresAt, depleted: [] };
}

/** Not enough of the first line's SKU. */
export function lockShort(input: In<'lockInventory'>): Out<'lockInventory'> {
  const first = input.lines[0];
  return { ok: false, reason: 'insufficient', shortages: first ? [{ sku: first.sku, requested: first.qty, available: 0 }] : [], depleted: [] };
}

/**
 * What a courier and a WMS answer by default; a waybill's number and carrier order id follow its
 * key (`...:waybill-2` -> SF1002, CO-2), so a re-issue gets a new one. Scripted stubs fall back to it.
 */
export function adapterAnswer(req: InvokeAdapterInput): unknown {
  if (req.capability === CAPABILITY.WAYBILL_CREATE) {
    const seq = /waybill-(\d+)$/.exec(req.idempotencyKey)?.[1] ?? '0';
    return { waybillNo: `SF${1000 + Number(seq)}`, orderId: `CO-${seq}` };
  }
  if (req.capability === CAPABILITY.WMS_ORDER_PUSH) return { feedbackCode: 'WMS-OK' };
  return { ok: true };
}

/**
 * An invokeAdapter stub that blocks on `capability` until the test opens the gate: a test can act
 * while the order is inside that step (a cancel, address changes arriving together).
 */
export function gated(capability: string) {
  let open!: () => void;
  let reached!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const started = new Promise<void>((r) => (reached = r));
  const invokeAdapter = async (req: InvokeAdapterInput) => {
    if (req.capability === capability) {
      reached();
      await gate;
    }
    return adapterAnswer(req);
  };
  return { invokeAdapter, started, open: () => open() };
}

/** Stub activities recording every call; `behaviour` overrides single activities for one test. */
export function stubActivities(behaviour: StubBehaviour = {}) {
  const calls: ActivityCall[] = [];
  const record = <N extends Name>(name: N, input: In<N>): number => {
    const key = keyOf(name, input);
    const capability = name === 'invokeAdapter' ? (input as InvokeAdapterInput).capability : null;
    calls.push({ name, key, capability, input });
    return calls.filter((c) => c.name === name && c.key === key && c.capability === capability).length;
  };
  let inFlight = 0;
  const stub =
    <N extends Name>(name: N, fallback: (input: In<N>) => Out<N>) =>
    async (input: In<N>): Promise<Out<N>> => {
      inFlight++;
      try {
        const n = record(name, input);
        const custom = behaviour[name] as ((i: In<N>, n: number) => Out<N> | Promise<Out<N>>) | undefined;
        return custom ? await custom(input, n) : fallback(input);
      } finally {
        inFlight--;
      }
    };
  const activities: LifecycleActivities = {
    recordOrder: stub('recordOrder', () => ({ firstWrite: true })),
    checkOrderRules: stub('checkOrderRules', () => rulesPass()),
    lockInventory: stub('lockInventory', lockOk),
    confirmInventoryPaid: stub('confirmInventoryPaid', () => ({ confirmed: true })),
    releaseInventory: stub('releaseInventory', () => undefined),
    commitInventory: stub('commitInventory', () => undefined),
    handOverInventory: stub('handOverInventory', () => undefined),
    requestDecision: stub('requestDecision', () => undefined),
    clearDecision: stub('clearDecision', () => undefined),
    invokeAdapter: stub('invokeAdapter', adapterAnswer),
    notifyPickup: stub('notifyPickup', () => ({ sent: true })),
    auditAddressChange: stub('auditAddressChange', () => undefined),
    stockSnapshot: stub('stockSnapshot', () => []),
    syncStockFromWms: stub('syncStockFromWms', () => ({ updated: 0, stale: false, ageMs: 0, fetchedAt: new Date().toISOString() })),
    projectOrder: stub('projectOrder', () => ({ written: true })),
  };
  /** Each call as `name key` (`invokeAdapter capability key` for adapters): easy to compare in order. */
  const trace = (filter?: (c: ActivityCall) => boolean): string[] =>
    calls.filter(filter ?? (() => true)).map((c) => [c.name, c.capability, c.key].filter((x) => x !== null).join(' '));
  return { activities, calls, trace, inFlight: () => inFlight };
}
export type Stubs = ReturnType<typeof stubActivities>;

/** Every activity the stubs implement, for a worker that delegates to the current test's stubs. */
export const LIFECYCLE_ACTIVITY_NAMES: readonly (keyof LifecycleActivities)[] = ['recordOrder', 'checkOrderRules', 'lockInventory', 'confirmInventoryPaid', 'releaseInventory', 'commitInventory', 'handOverInventory', 'requestDecision', 'clearDecision', 'invokeAdapter', 'notifyPickup', 'auditAddressChange', 'stockSnapshot', 'syncStockFromWms', 'projectOrder'];
