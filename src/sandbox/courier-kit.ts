import type { SandboxLog } from './core.js';

/**
 * What every courier sandbox (SF, EMS, KDNiao) shares: a book of waybills with live/cancelled
 * status, and a courier that walks each live waybill through pickup and delivery, after
 * configurable delays or by hand. The system-specific part (its route push body, its route
 * query answer) stays in the adapter's sandbox.ts.
 */

export const WAYBILL_STATUS = { LIVE: 'live', CANCELLED: 'cancelled' } as const;
export type WaybillStatus = (typeof WAYBILL_STATUS)[keyof typeof WAYBILL_STATUS];

export const COURIER_STAGE = { CREATED: 'created', PICKED_UP: 'picked_up', DELIVERED: 'delivered' } as const;
export type CourierStage = (typeof COURIER_STAGE)[keyof typeof COURIER_STAGE];

export interface SandboxWaybill {
  waybillNo: string;
  /** The carrier's order id (what the adapter derives from the idempotency key). */
  orderId: string;
  status: WaybillStatus;
  stage: CourierStage;
  createdAt: string;
  pickedUpAt: string | null;
  deliveredAt: string | null;
  cancelledAt: string | null;
  /** The latest receiver exactly as the adapter sent it (create, then each overwrite). */
  receiver: unknown;
  /** Address overwrites received after creation. */
  updates: number;
  /** Anything system-specific worth showing (product type, remark...). */
  extra: Record<string, unknown>;
}

/** The plain-JSON waybill part of a courier sandbox's state(). */
export interface WaybillStateView {
  counts: { live: number; cancelled: number };
  live: SandboxWaybill[];
  cancelled: SandboxWaybill[];
}

export class WaybillBook {
  private readonly byNo = new Map<string, SandboxWaybill>();
  private readonly byOrderId = new Map<string, string>();
  private seq = 0;

  constructor(
    private readonly clock: () => Date,
    /** Builds the n-th waybill number (1-based) in the carrier's own format. */
    private readonly numberFor: (n: number) => string,
  ) {}

  /**
   * `waybillNo` when the number comes from elsewhere (a tracker like KDNiao is told it, a platform
   * e-waybill the carrier carries); else the carrier issues its next number it does not hold yet,
   * as a real carrier never issues a number twice (Douyin's SF e-waybill numbers share SF's format).
   */
  create(orderId: string, receiver: unknown, extra: Record<string, unknown> = {}, waybillNo?: string): SandboxWaybill {
    const w: SandboxWaybill = {
      waybillNo: waybillNo ?? this.nextFree(),
      orderId,
      status: WAYBILL_STATUS.LIVE,
      stage: COURIER_STAGE.CREATED,
      createdAt: this.clock().toISOString(),
      pickedUpAt: null,
      deliveredAt: null,
      cancelledAt: null,
      receiver,
      updates: 0,
      extra,
    };
    this.byNo.set(w.waybillNo, w);
    this.byOrderId.set(orderId, w.waybillNo);
    return w;
  }

  private nextFree(): string {
    let no = this.numberFor(++this.seq);
    while (this.byNo.has(no)) no = this.numberFor(++this.seq);
    return no;
  }

  get(waybillNo: string): SandboxWaybill | undefined {
    return this.byNo.get(waybillNo);
  }

  byOrder(orderId: string): SandboxWaybill | undefined {
    const no = this.byOrderId.get(orderId);
    return no === undefined ? undefined : this.byNo.get(no);
  }

  cancel(w: SandboxWaybill): void {
    w.status = WAYBILL_STATUS.CANCELLED;
    w.cancelledAt = this.clock().toISOString();
  }

  all(): SandboxWaybill[] {
    return [...this.byNo.values()];
  }

  /**
   * Copies of the waybills `pred` picks, without copying the whole book: a simulated day asks
   * several times a second for the few parcels in flight among thousands.
   */
  select(pred: (w: Readonly<SandboxWaybill>) => boolean): SandboxWaybill[] {
    const out: SandboxWaybill[] = [];
    for (const w of this.byNo.values()) if (pred(w)) out.push(structuredClone(w));
    return out;
  }

  view(): WaybillStateView {
    // structuredClone: state() is a snapshot, a caller mutating it must not move a parcel.
    const list = structuredClone(this.all());
    const live = list.filter((w) => w.status === WAYBILL_STATUS.LIVE);
    const cancelled = list.filter((w) => w.status === WAYBILL_STATUS.CANCELLED);
    return { counts: { live: live.length, cancelled: cancelled.length }, live, cancelled };
  }
}

/**
 * A courier sandbox carrying parcels whose numbers a platform's e-waybill service issued (an SF
 * number from 抖音电子面单): it walks them through pickup and delivery like its own, pushing routes.
 * That the carrier's route pushes cover platform-issued numbers is a sandbox assumption
 * (UNVERIFIED, docs/adapters/douyin-ewaybill.md).
 */
/** A courier sandbox's waybills, read a few at a time (state() copies the whole book). */
export interface WaybillReader {
  /** Copies of the waybills `pred` picks (all of them when omitted). */
  waybills(pred?: (w: Readonly<SandboxWaybill>) => boolean): SandboxWaybill[];
}

export interface PlatformWaybillCarrier {
  /** Takes on a number issued elsewhere; `orderId` is the id the issuer knows it by. */
  carry(w: { waybillNo: string; orderId: string; receiver: unknown }): void;
  /** The issuer recycled the number before pickup. */
  release(waybillNo: string): void;
  /** The parcel's stage, or null when the carrier does not know the number. */
  stageOf(waybillNo: string): CourierStage | null;
}

/**
 * Delays of the simulated courier. `pickupMs` counts from waybill creation, `deliveryMs` from
 * pickup; null means "only by hand" (pickUp()/deliver()).
 */
export interface CourierDelays {
  pickupMs: number | null;
  deliveryMs: number | null;
}

export const DEFAULT_COURIER_DELAYS: CourierDelays = { pickupMs: 5_000, deliveryMs: 10_000 };

/** Why a stage move was refused: the sandbox tells the caller instead of moving a cancelled parcel. */
export class CourierStageError extends Error {
  constructor(
    readonly waybillNo: string,
    reason: string,
  ) {
    super(`waybill ${waybillNo}: ${reason}`);
    this.name = 'CourierStageError';
  }
}

/** Called once per stage reached; the system pushes it to the hub (or only records it, when tracking is pulled). */
export type StageListener = (w: SandboxWaybill, stage: typeof COURIER_STAGE.PICKED_UP | typeof COURIER_STAGE.DELIVERED) => Promise<void>;

/**
 * The simulated courier. Each stage is reached once: a timer and a manual call racing for the
 * same stage produce one event. Delivery implies pickup, so `deliver()` on a fresh waybill
 * picks it up first (two pushes, in order, like a real parcel).
 */
export class Courier {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly pending = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly book: WaybillBook,
    private delays: CourierDelays,
    private readonly clock: () => Date,
    private readonly log: SandboxLog,
    private readonly onStage: StageListener,
  ) {}

  setDelays(d: Partial<CourierDelays>): void {
    this.delays = { ...this.delays, ...d };
  }

  /** Starts the clock for a new waybill's pickup. */
  scheduleNew(w: SandboxWaybill): void {
    this.arm(w.waybillNo, this.delays.pickupMs, () => this.pickUp(w.waybillNo));
  }

  /** Stops the courier for a cancelled waybill. */
  stop(waybillNo: string): void {
    const t = this.timers.get(waybillNo);
    if (t) clearTimeout(t);
    this.timers.delete(waybillNo);
  }

  async pickUp(waybillNo: string): Promise<SandboxWaybill> {
    const w = this.live(waybillNo);
    if (w.stage !== COURIER_STAGE.CREATED) return w;
    this.stop(waybillNo);
    w.stage = COURIER_STAGE.PICKED_UP;
    w.pickedUpAt = this.clock().toISOString();
    this.log.record('courier.picked_up', waybillNo, { orderId: w.orderId });
    await this.track(this.onStage(w, COURIER_STAGE.PICKED_UP));
    if (w.stage === COURIER_STAGE.PICKED_UP) this.arm(waybillNo, this.delays.deliveryMs, () => this.deliver(waybillNo));
    return w;
  }

  async deliver(waybillNo: string): Promise<SandboxWaybill> {
    const w = this.live(waybillNo);
    if (w.stage === COURIER_STAGE.CREATED) await this.pickUp(waybillNo);
    if (w.stage !== COURIER_STAGE.PICKED_UP) return w;
    this.stop(waybillNo);
    w.stage = COURIER_STAGE.DELIVERED;
    w.deliveredAt = this.clock().toISOString();
    this.log.record('courier.delivered', waybillNo, { orderId: w.orderId });
    await this.track(this.onStage(w, COURIER_STAGE.DELIVERED));
    return w;
  }

  /** Resolves when no stage move or push is in flight (a test's "wait until the courier is done"). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private live(waybillNo: string): SandboxWaybill {
    const w = this.book.get(waybillNo);
    if (!w) throw new CourierStageError(waybillNo, 'no such waybill');
    if (w.status === 'cancelled') throw new CourierStageError(waybillNo, 'cancelled, the courier does not collect it');
    return w;
  }

  private arm(waybillNo: string, ms: number | null, step: () => Promise<unknown>): void {
    if (ms === null || this.closed) return;
    this.stop(waybillNo);
    const t = setTimeout(() => {
      this.timers.delete(waybillNo);
      // A timer has nobody to report to: a failure (e.g. cancelled meanwhile) goes to the log.
      void this.track(
        step().then(
          () => undefined,
          (err: unknown) => {
            this.log.record('courier.skipped', waybillNo, { reason: err instanceof Error ? err.message : String(err) });
          },
        ),
      );
    }, ms);
    this.timers.set(waybillNo, t);
  }

  private async track(p: Promise<void>): Promise<void> {
    this.pending.add(p);
    try {
      await p;
    } finally {
      this.pending.delete(p);
    }
  }
}

/** Result of one push to the hub, as recorded in the log. */
export interface PushOutcome {
  url: string;
  status: number | null;
  acknowledged: boolean;
  attempts: number;
  error: string | null;
}

/** The longest a carrier waits before pushing again, whatever Retry-After the hub asked for. */
const MAX_RETRY_AFTER_MS = 30_000;

/**
 * POSTs a body to the hub and retries an unacknowledged push a few times, as carriers do (SF
 * pushes again until it reads its ack). `isAck` decides from the status and reply text. A hub
 * that answers Retry-After (503 while its Redis restarts) is asked again no sooner than that:
 * three tries within a second would lose the route of a hub that is back in ten (that a carrier
 * honours Retry-After is a sandbox assumption; SF documents re-pushing an unacknowledged route).
 */
export async function pushToHub(opts: {
  url: string;
  body: string;
  contentType: string;
  isAck: (status: number, text: string) => boolean;
  attempts?: number;
  retryDelayMs?: number;
  timeoutMs?: number;
}): Promise<PushOutcome> {
  const attempts = opts.attempts ?? 3;
  let last: PushOutcome = { url: opts.url, status: null, acknowledged: false, attempts: 0, error: null };
  for (let i = 1; i <= attempts; i++) {
    let retryAfterMs = 0;
    try {
      const res = await fetch(opts.url, { method: 'POST', headers: { 'content-type': opts.contentType }, body: opts.body, signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
      const text = await res.text();
      last = { url: opts.url, status: res.status, acknowledged: opts.isAck(res.status, text), attempts: i, error: null };
      const seconds = Number(res.headers.get('retry-after'));
      if (Number.isFinite(seconds) && seconds > 0) retryAfterMs = Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
    } catch (err) {
      last = { url: opts.url, status: null, acknowledged: false, attempts: i, error: err instanceof Error ? err.message : String(err) };
    }
    if (last.acknowledged) return last;
    if (i < attempts) await new Promise((r) => setTimeout(r, Math.max(opts.retryDelayMs ?? 500, retryAfterMs)));
  }
  return last;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** "yyyy-MM-dd HH:mm:ss" wall clock in GMT+8, the time format of SF, EMS and KDNiao. */
export function gmt8WallClock(d: Date): string {
  const t = new Date(d.getTime() + 8 * 3600_000);
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
}
