import { randomUUID } from 'node:crypto';
import { WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { cancelOrder, changeAddress, decide, getOrderState, platformEvent, trackingEvent, type orderLifecycle } from '../../workflows/order-lifecycle.js';
import type { AddressChangeInput, DecisionInput, OrderLifecycleInput, OrderState, PlatformEvent, TrackingEvent } from '../../workflows/order-lifecycle.js';
import { ADDRESS_DEBOUNCE_MS } from '../../workflows/lifecycle/constants.js';
import { SHIPPED_STATES } from '../../workflows/lifecycle/phases.js';
import { LIFECYCLE_STATE, type LifecycleState } from '../../workflows/states.js';
import { LIFECYCLE_ACTIVITY_NAMES, type Stubs } from './lifecycle-stubs.js';
import { startTimeSkippingEnv, workflowBundle } from './workflow-env.js';

/**
 * Workflow-level tests of the order lifecycle: the real workflow code on Temporal's time-skipping
 * test server, with every activity stubbed. The stubs record each call in order, so a test says
 * which activities ran with which idempotency keys, and each behaviour can be scripted per test.
 */
export * from './lifecycle-builders.js';
export * from './lifecycle-stubs.js';

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
      LIFECYCLE_ACTIVITY_NAMES.map((name) => [
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


/** The SDK logs every worker state change and every failed (scripted) activity attempt: errors only. */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed in this process (another test file): it is quiet already.
  }
}
