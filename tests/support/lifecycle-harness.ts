import { randomUUID } from 'node:crypto';
import { WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { Activities } from '../../src/activities/index.js';
import type { InvokeAdapterInput } from '../../src/activities/invoke-adapter.js';
import { CanonicalOrder } from '../../src/canonical/order.js';
import type { RulesCheck } from '../../src/rules/check.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import { cancelOrder, changeAddress, decide, getOrderState, platformEvent, trackingEvent, type orderLifecycle } from '../../workflows/order-lifecycle.js';
import type { AddressChangeInput, DecisionInput, LifecycleSettings, OrderLifecycleInput, OrderState, PlatformEvent, TrackingEvent } from '../../workflows/order-lifecycle.js';
import { ADDRESS_DEBOUNCE_MS } from '../../workflows/lifecycle/constants.js';
import { LIFECYCLE_STATE, type LifecycleState } from '../../workflows/states.js';
import { SHIPPED_STATES } from '../../workflows/lifecycle/phases.js';
import { startTimeSkippingEnv, workflowBundle } from './workflow-env.js';

/**
 * Workflow-level tests of the order lifecycle: the real workflow code on Temporal's time-skipping
 * test server, with every activity stubbed. The stubs record each call in order, so a test says
 * which activities ran with which idempotency keys, and each behaviour can be scripted per test.
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
  | 'requestDecision'
  | 'clearDecision'
  | 'invokeAdapter'
  | 'notifyPickup'
  | 'auditAddressChange'
  | 'stockSnapshot'
  | 'syncStockFromWms'
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
  const field = ['lockInventory', 'confirmInventoryPaid', 'releaseInventory', 'commitInventory'].includes(name) ? 'holdKey' : 'idempotencyKey';
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
    requestDecision: stub('requestDecision', () => undefined),
    clearDecision: stub('clearDecision', () => undefined),
    invokeAdapter: stub('invokeAdapter', adapterAnswer),
    notifyPickup: stub('notifyPickup', () => ({ sent: true })),
    auditAddressChange: stub('auditAddressChange', () => undefined),
    stockSnapshot: stub('stockSnapshot', () => []),
    syncStockFromWms: stub('syncStockFromWms', () => ({ updated: 0, stale: false, ageMs: 0, fetchedAt: new Date().toISOString() })),
  };
  /** Each call as `name key` (`invokeAdapter capability key` for adapters): easy to compare in order. */
  const trace = (filter?: (c: ActivityCall) => boolean): string[] =>
    calls.filter(filter ?? (() => true)).map((c) => [c.name, c.capability, c.key].filter((x) => x !== null).join(' '));
  return { activities, calls, trace, inFlight: () => inFlight };
}
export type Stubs = ReturnType<typeof stubActivities>;

/** Settings of a hub with courier, remote courier, WMS and rules; retries short so failures show quickly. */
export function lifecycleSettings(over: Partial<LifecycleSettings> = {}): LifecycleSettings {
  return {
    warehouse: 'WH-T',
    courier: 'courier-sf',
    remoteCourier: 'courier-ems',
    wms: 'wms-1',
    mappings: { waybill: null, wms: null, waybillUpdate: null },
    addressWindowMinutes: 30,
    sender: { name: 'Zhongshu Store', phone: '0755-0000000', province: '广东省', city: '深圳市', district: '南山区', address: '科技园 1 号' },
    unpaidLockMinutes: 30,
    onLockFailure: 'hold',
    lockRetrySeconds: 60,
    pickupTimeoutHours: 48,
    retry: { maximumAttempts: 2, initialIntervalMs: 10, backoffCoefficient: 1 },
    adapterRetry: {},
    rules: true,
    stockPushPlatforms: [],
    outageRetryMs: 50,
    ...over,
  };
}

export type Address = CanonicalOrder['address'];
export const NANSHAN: Address = { country: 'CN', province: '广东省', city: '深圳市', district: '南山区', detail: { ciphertext: '~ct~addr~1~', masked: '科技园***' } };

/** A canonical order that passes the schema: two lines, paid, in Shenzhen Nanshan. */
export function canonicalOrder(over: { id?: string; channel?: string; status?: CanonicalOrder['status']; orderType?: CanonicalOrder['orderType']; presale?: CanonicalOrder['presale']; address?: Address } = {}): CanonicalOrder {
  const id = over.id ?? `4000${Math.floor(Math.random() * 1e12)}`;
  const money = (minor: number) => ({ minor, currency: 'CNY' });
  const line = (lineId: string, sku: string, qty: number, unit: number) => ({ lineId, merchantSku: sku, title: sku, quantity: qty, unitPrice: money(unit), lineTotal: money(unit * qty), discount: money(0), refundStatus: 'none' });
  const status = over.status ?? 'paid';
  return CanonicalOrder.parse({
    schemaVersion: 1,
    source: { platform: 'taobao', channel: over.channel ?? 'tb-1', shop: 'shop-1', platformOrderId: id, receivedAt: '2026-12-01T10:00:00+08:00' },
    status,
    platformStatus: status === 'awaiting_payment' ? 'WAIT_BUYER_PAY' : status === 'paid' ? 'WAIT_SELLER_SEND_GOODS' : 'TRADE_CLOSED',
    orderType: over.orderType ?? 'normal',
    createdAt: '2026-12-01T09:59:00+08:00',
    paidAt: null,
    currency: 'CNY',
    totals: { goods: money(39800), freight: money(0), discount: money(0), paid: money(status === 'awaiting_payment' ? 0 : 39800) },
    lines: [line('L1', 'SKU-A', 1, 29900), line('L2', 'SKU-B', 1, 9900)],
    buyer: { handle: 'oaid-test' },
    recipient: { name: { ciphertext: '~ct~name~', masked: '张*' }, phone: { ciphertext: '~ct~phone~', masked: '138****0000' } },
    address: over.address ?? NANSHAN,
    ...(over.presale ? { presale: over.presale } : {}),
  });
}

export function lifecycleInput(opts: { order?: CanonicalOrder; settings?: LifecycleSettings | null } = {}): OrderLifecycleInput {
  const order = opts.order ?? canonicalOrder();
  return {
    orderKey: `${order.source.channel}:${order.source.platformOrderId}`,
    order,
    mappings: {},
    receivedVia: { kind: 'api' },
    searchAttributes: false,
    settings: opts.settings === undefined ? lifecycleSettings() : opts.settings,
  };
}

/** The states the order went through, each once (notes repeat the current state). */
export function states(s: OrderState): string[] {
  return s.timeline.map((t) => t.state).filter((st, i, all) => st !== all[i - 1]);
}

export function causes(s: OrderState): string[] {
  return s.timeline.map((t) => t.cause);
}

/** Workflow-clock minutes between the first timeline entry in `from` and the first in `to`. */
export function minutesBetween(s: OrderState, from: string, to: string): number {
  const at = (st: string) => Date.parse(s.timeline.find((t) => t.state === st)?.at ?? 'missing');
  return (at(to) - at(from)) / 60_000;
}

export type LifecycleHandle = WorkflowHandle<typeof orderLifecycle>;

/** One worker run: start orders, wait for states, talk to them as the hub's API would. */
export class LifecycleRun {
  readonly started: LifecycleHandle[] = [];
  constructor(
    readonly env: TestWorkflowEnvironment,
    readonly taskQueue: string,
    readonly stubs: Stubs,
  ) {}

  async start(input: OrderLifecycleInput): Promise<LifecycleHandle> {
    const h = await this.env.client.workflow.start<typeof orderLifecycle>('orderLifecycle', { taskQueue: this.taskQueue, workflowId: `order-${randomUUID()}`, args: [input] });
    this.started.push(h);
    return h;
  }

  state(h: LifecycleHandle): Promise<OrderState> {
    return h.query(getOrderState);
  }

  /** Polls (in real time) until the order is in `state`; the error says where it stopped instead. */
  async waitFor(h: LifecycleHandle, state: LifecycleState, ms = 15_000): Promise<OrderState> {
    let last: OrderState | null = null;
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 25))) {
      last = await this.state(h);
      if (last.state === state) return last;
    }
    throw new Error(`${h.workflowId} stuck in ${last?.state} (wanted ${state}): ${JSON.stringify(last?.timeline.slice(-3))}`);
  }

  /** Polls until `check` holds: for effects (activity calls) that follow a state change. */
  async until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
    for (const end = Date.now() + ms; !check(); await new Promise((r) => setTimeout(r, 25))) {
      if (Date.now() > end) throw new Error(`still waiting for ${what}; calls so far: ${JSON.stringify(this.stubs.trace())}`);
    }
  }

  /** On hold, and the hold is in the decision queue (the order goes on hold just before it asks). */
  async waitForHold(h: LifecycleHandle): Promise<OrderState> {
    await this.waitFor(h, LIFECYCLE_STATE.ON_HOLD);
    await this.until(() => this.stubs.calls.some((c) => c.name === 'requestDecision' && (c.input as { workflowId?: string }).workflowId === h.workflowId), 'requestDecision');
    return await this.state(h);
  }

  /** The order's end state, letting the server skip time over every timer on the way. */
  result(h: LifecycleHandle): Promise<OrderState> {
    return h.result();
  }

  decide(h: LifecycleHandle, d: DecisionInput) {
    return h.executeUpdate(decide, { args: [d] });
  }

  /** A cancel as the admin API sends it; answers once the compensations ran. */
  cancel(h: LifecycleHandle, cause = 'buyer asked', actor = 'cs-agent') {
    return h.executeUpdate(cancelOrder, { args: [{ cause, actor }] });
  }

  /** A cancel the order has accepted (it is now waiting to be acted on); `.result()` answers it. */
  cancelAccepted(h: LifecycleHandle, cause = 'buyer asked', actor = 'cs-agent') {
    return h.startUpdate(cancelOrder, { args: [{ cause, actor }], waitForStage: WorkflowUpdateStage.ACCEPTED });
  }

  /** An address change the order has queued (not yet applied); `.result()` answers it. */
  changeAddressAccepted(h: LifecycleHandle, change: AddressChangeInput) {
    return h.startUpdate(changeAddress, { args: [change], waitForStage: WorkflowUpdateStage.ACCEPTED });
  }

  /**
   * An address change, with the server's clock moved over the debounce that batches changes. Only
   * once the order has queued it: skipping earlier would pass before the debounce timer exists.
   */
  async changeAddress(h: LifecycleHandle, change: AddressChangeInput) {
    const queued = await this.changeAddressAccepted(h, change);
    await this.env.sleep(ADDRESS_DEBOUNCE_MS);
    return await queued.result();
  }

  platform(h: LifecycleHandle, kind: PlatformEvent['kind'], reason?: string) {
    return h.signal(platformEvent, { kind, at: '2026-12-01T10:05:00+08:00', ...(reason ? { reason } : {}) });
  }

  tracking(h: LifecycleHandle, event: TrackingEvent['event'], at = '2026-12-02T09:00:00+08:00') {
    return h.signal(trackingEvent, { event, at, source: 'test courier' });
  }

  /** Picked up and delivered: signals first, so a run awaited with result() never waits on pickup. */
  async shipAndDeliver(h: LifecycleHandle): Promise<void> {
    await this.tracking(h, 'picked_up', '2026-12-02T09:00:00+08:00');
    await this.tracking(h, 'delivered', '2026-12-03T15:00:00+08:00');
  }
}

/**
 * One time-skipping server and one worker per test file (start it in beforeAll: a JVM takes a few
 * seconds), whose activities are the current test's stubs. Orders a test leaves running are
 * terminated after it, so their timers never move the next test's clock.
 */
export class LifecycleHarness {
  private stubs: Stubs | null = null;
  private busy = false;

  private constructor(
    readonly env: TestWorkflowEnvironment,
    private readonly taskQueue: string,
    private readonly worker: Worker,
    private readonly running: Promise<void>,
  ) {}

  static async start(): Promise<LifecycleHarness> {
    quietRuntime();
    const [env, bundle] = await Promise.all([startTimeSkippingEnv(), workflowBundle()]);
    let current: () => Stubs | null = () => null;
    const delegate = Object.fromEntries(
      STUBBED.map((name) => [
        name,
        (input: unknown) => {
          const stubs = current();
          if (!stubs) throw ApplicationFailure.nonRetryable(`${name} called outside a test`);
          return (stubs.activities[name] as (i: unknown) => Promise<unknown>)(input);
        },
      ]),
    );
    const taskQueue = `lifecycle-${randomUUID()}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: { codePath: bundle.codePath }, activities: delegate });
    const harness = new LifecycleHarness(env, taskQueue, worker, worker.run());
    current = () => harness.stubs;
    return harness;
  }

  /** Runs one test's orders against `stubs`; tests of one file run one after another. */
  async run<T>(stubs: Stubs, body: (run: LifecycleRun) => Promise<T>): Promise<T> {
    if (this.busy) throw new Error('LifecycleHarness.run: the previous test is still running (did it time out?); tests of one file share the server clock and run one at a time');
    this.busy = true;
    this.stubs = stubs;
    const run = new LifecycleRun(this.env, this.taskQueue, stubs);
    try {
      return await body(run);
    } finally {
      for (const h of run.started) await finish(run, h, stubs);
      this.stubs = null;
      this.busy = false;
    }
  }

  async teardown(): Promise<void> {
    this.worker.shutdown();
    await this.running.catch(() => undefined);
    await this.env.teardown();
  }
}

/**
 * Ends an order a test left running the way the hub would: a cancel before pickup, a delivery
 * after it. Terminating it instead was seen to leave the Java test server's clock locked for the
 * rest of the file (time skipping stopped: a 30-minute countdown then waits 30 real minutes).
 * Terminates only an order that does not end within a few seconds.
 */
async function finish(run: LifecycleRun, h: LifecycleHandle, stubs: Stubs): Promise<void> {
  if ((await h.describe()).status.name !== 'RUNNING') return;
  const { state } = await run.state(h);
  if (SHIPPED_STATES.includes(state)) await run.tracking(h, 'delivered');
  else await run.cancel(h, 'test over', 'harness').catch(() => undefined);
  const ended = await Promise.race([h.result().then(() => true, () => true), new Promise<false>((r) => setTimeout(() => r(false), 5_000))]);
  if (!ended) await h.terminate('test over: did not end by itself').catch(() => undefined);
  for (let i = 0; i < 200 && stubs.inFlight() > 0; i++) await new Promise((r) => setTimeout(r, 25));
}

const STUBBED: readonly Name[] = ['recordOrder', 'checkOrderRules', 'lockInventory', 'confirmInventoryPaid', 'releaseInventory', 'commitInventory', 'requestDecision', 'clearDecision', 'invokeAdapter', 'notifyPickup', 'auditAddressChange', 'stockSnapshot', 'syncStockFromWms'];

/** The SDK logs every worker state change and every failed (scripted) activity attempt: errors only. */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed in this process (another test file): it is quiet already.
  }
}
