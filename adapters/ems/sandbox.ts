import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { CargoLine, CourierParty } from '../_shared/waybill.js';
import { gmt8ToIso, TRACKING_STATE, type TrackingEvent, type TrackingState } from '../_shared/tracking.js';
import { COURIER_STAGE, Courier, DEFAULT_COURIER_DELAYS, WAYBILL_STATUS, WaybillBook, gmt8WallClock, type CourierDelays, type SandboxWaybill, type WaybillReader, type WaybillStateView } from '../../src/sandbox/courier-kit.js';
import { SandboxLog, startSandboxServer, type SandboxDefinition, type SandboxRequest, type SandboxResponse, type SandboxStartOptions, type SandboxSystem } from '../../src/sandbox/core.js';
import { signatureFaultGate } from '../../src/sandbox/signature-fault.js';
import { EMS_ADAPTER_ID, EMS_HEADER, EMS_PATH, emsSignature } from './transport.js';

/**
 * A partner endpoint implementing the hub's EMS contract (README.md) on 127.0.0.1: signature
 * and timestamp checked, the contract's error codes and statuses, orderId idempotency (first
 * waybill back, 409 order_conflict for a different parcel under the same orderId), update and
 * cancel refused after pickup. The hub has no EMS push receiver (the contract polls), so the
 * courier only advances the tracking state after its delays; tracking.query then sees pickup
 * and delivery.
 */
export const EMS_SANDBOX_ERROR = {
  BAD_SIGNATURE: 'bad_signature',
  STALE_TIMESTAMP: 'stale_timestamp',
  INVALID_REQUEST: 'invalid_request',
  NOT_SERVICEABLE: 'not_serviceable',
  ORDER_NOT_FOUND: 'order_not_found',
  ALREADY_PICKED_UP: 'already_picked_up',
  ORDER_CONFLICT: 'order_conflict',
} as const;

const MAX_SKEW_MS = 5 * 60_000;
export const EMS_SANDBOX_DEFAULTS = { partnerId: 'zs-sandbox', secret: 'sandbox-ems-secret' } as const;

/** The sandbox's own EMS event codes (the contract leaves codes to the partner). */
export const EMS_SANDBOX_EVENT = { COLLECTED: 'collected', DELIVERED: 'delivered' } as const;

export interface EmsSandboxOptions extends SandboxStartOptions {
  partnerId?: string;
  secret?: string;
  delays?: Partial<CourierDelays>;
  /** Receiver provinces answered 422 not_serviceable. */
  unserviceableProvinces?: string[];
}

export interface EmsSandboxState {
  waybills: WaybillStateView;
  events: Record<string, TrackingEvent[]>;
}

export interface EmsSandbox extends SandboxSystem, WaybillReader {
  pickUp(waybillNo: string): Promise<SandboxWaybill>;
  deliver(waybillNo: string): Promise<SandboxWaybill>;
  setDelays(d: Partial<CourierDelays>): void;
  idle(): Promise<void>;
  state(): EmsSandboxState;
}

const CreateBody = z.object({
  orderId: z.string().min(1).max(64),
  sender: CourierParty,
  receiver: CourierParty,
  cargo: z.array(CargoLine).min(1),
  parcelQty: z.number().int().positive(),
  remark: z.string().max(100).nullable(),
  serviceType: z.string().nullable(),
  remoteArea: z.boolean(),
});
const UpdateBody = z.object({ orderId: z.string().min(1), waybillNo: z.string().min(1).nullable(), receiver: CourierParty });
const CancelBody = z.object({ orderId: z.string().min(1), waybillNo: z.string().min(1).nullable() });
const TrackingBody = z.object({ waybillNo: z.string().min(1) });

const issues = (e: z.ZodError) =>
  e.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

async function start(opts: EmsSandboxOptions = {}): Promise<EmsSandbox> {
  const clock = opts.clock ?? (() => new Date());
  const partnerId = opts.partnerId ?? EMS_SANDBOX_DEFAULTS.partnerId;
  const secret = opts.secret ?? EMS_SANDBOX_DEFAULTS.secret;
  const log = new SandboxLog(EMS_ADAPTER_ID, clock);
  const book = new WaybillBook(clock, (n) => `EM${String(100_000_000 + n)}CN`);
  const events = new Map<string, TrackingEvent[]>();
  /** What a create carried (receiver and cargo), to tell a retry from a conflicting reuse of the orderId. */
  const fingerprints = new Map<string, string>();

  const courier = new Courier(book, { ...DEFAULT_COURIER_DELAYS, ...opts.delays }, clock, log, (w, stage) => {
    const at = gmt8ToIso(gmt8WallClock(clock())) ?? clock().toISOString();
    const e: TrackingEvent =
      stage === COURIER_STAGE.PICKED_UP
        ? { at, location: '揽收网点', description: '邮件已揽收', code: EMS_SANDBOX_EVENT.COLLECTED }
        : { at, location: '投递网点', description: '邮件已妥投', code: EMS_SANDBOX_EVENT.DELIVERED };
    events.set(w.waybillNo, [...(events.get(w.waybillNo) ?? []), e]);
    return Promise.resolve();
  });

  const error = (status: number, code: string, message: string): SandboxResponse => {
    log.record('request.rejected', null, { status, code, message });
    return { status, body: { code, message } };
  };

  const trackingState = (w: SandboxWaybill): TrackingState =>
    w.stage === COURIER_STAGE.DELIVERED ? TRACKING_STATE.DELIVERED : w.stage === COURIER_STAGE.PICKED_UP ? TRACKING_STATE.PICKED_UP : TRACKING_STATE.NONE;

  function route(path: string, body: unknown): SandboxResponse {
    switch (path) {
      case EMS_PATH.CREATE: {
        const m = CreateBody.safeParse(body);
        if (!m.success) return error(400, EMS_SANDBOX_ERROR.INVALID_REQUEST, issues(m.error));
        const fp = JSON.stringify([m.data.receiver, m.data.cargo]);
        const known = book.byOrder(m.data.orderId);
        if (known) {
          if (fingerprints.get(m.data.orderId) !== fp) return error(409, EMS_SANDBOX_ERROR.ORDER_CONFLICT, `orderId ${m.data.orderId} was used for another parcel`);
          log.record('waybill.create', known.waybillNo, { orderId: known.orderId, reused: true });
          return { body: { orderId: known.orderId, waybillNo: known.waybillNo, status: 'existing' } };
        }
        if (opts.unserviceableProvinces?.includes(m.data.receiver.province)) return error(422, EMS_SANDBOX_ERROR.NOT_SERVICEABLE, `no EMS service to ${m.data.receiver.province}`);
        const w = book.create(m.data.orderId, m.data.receiver, { remoteArea: m.data.remoteArea, serviceType: m.data.serviceType, parcelQty: m.data.parcelQty, remark: m.data.remark });
        fingerprints.set(w.orderId, fp);
        log.record('waybill.create', w.waybillNo, { orderId: w.orderId, reused: false });
        courier.scheduleNew(w);
        return { body: { orderId: w.orderId, waybillNo: w.waybillNo, status: 'created' } };
      }
      case EMS_PATH.UPDATE: {
        const m = UpdateBody.safeParse(body);
        if (!m.success) return error(400, EMS_SANDBOX_ERROR.INVALID_REQUEST, issues(m.error));
        const w = book.byOrder(m.data.orderId);
        if (!w || (m.data.waybillNo !== null && m.data.waybillNo !== w.waybillNo)) return error(404, EMS_SANDBOX_ERROR.ORDER_NOT_FOUND, `no order ${m.data.orderId} with that waybill`);
        if (w.status === WAYBILL_STATUS.CANCELLED) return error(409, EMS_SANDBOX_ERROR.ORDER_CONFLICT, `order ${w.orderId} is cancelled`);
        if (w.stage !== COURIER_STAGE.CREATED) return error(409, EMS_SANDBOX_ERROR.ALREADY_PICKED_UP, `waybill ${w.waybillNo} was picked up`);
        w.receiver = m.data.receiver;
        w.updates++;
        log.record('waybill.update', w.waybillNo, { orderId: w.orderId, updates: w.updates });
        return { body: { orderId: w.orderId, waybillNo: w.waybillNo } };
      }
      case EMS_PATH.CANCEL: {
        const m = CancelBody.safeParse(body);
        if (!m.success) return error(400, EMS_SANDBOX_ERROR.INVALID_REQUEST, issues(m.error));
        const w = book.byOrder(m.data.orderId);
        if (!w || (m.data.waybillNo !== null && m.data.waybillNo !== w.waybillNo)) return error(404, EMS_SANDBOX_ERROR.ORDER_NOT_FOUND, `no order ${m.data.orderId} with that waybill`);
        if (w.status === WAYBILL_STATUS.CANCELLED) return { body: { orderId: w.orderId, cancelled: true, alreadyCancelled: true } };
        if (w.stage !== COURIER_STAGE.CREATED) return error(409, EMS_SANDBOX_ERROR.ALREADY_PICKED_UP, `waybill ${w.waybillNo} was picked up`);
        book.cancel(w);
        courier.stop(w.waybillNo);
        log.record('waybill.cancel', w.waybillNo, { orderId: w.orderId });
        return { body: { orderId: w.orderId, cancelled: true, alreadyCancelled: false } };
      }
      case EMS_PATH.TRACKING: {
        const m = TrackingBody.safeParse(body);
        if (!m.success) return error(400, EMS_SANDBOX_ERROR.INVALID_REQUEST, issues(m.error));
        const w = book.get(m.data.waybillNo);
        if (!w) return error(404, EMS_SANDBOX_ERROR.ORDER_NOT_FOUND, `no waybill ${m.data.waybillNo}`);
        const list = events.get(w.waybillNo) ?? [];
        log.record('tracking.query', w.waybillNo, { stage: w.stage });
        return { body: { waybillNo: w.waybillNo, state: trackingState(w), carrierState: list[list.length - 1]?.code ?? null, events: list } };
      }
      default:
        return { status: 404, body: { code: 'not_found', message: `no path ${path}` } };
    }
  }

  function handle(req: SandboxRequest): SandboxResponse {
    if (req.method !== 'POST') return { status: 405, body: { code: 'method_not_allowed' } };
    const ts = req.headers[EMS_HEADER.TIMESTAMP] ?? '';
    const sig = req.headers[EMS_HEADER.SIGNATURE] ?? '';
    const forced = gate.badSignature();
    if (forced || req.headers[EMS_HEADER.PARTNER] !== partnerId || !sameText(sig, emsSignature(secret, ts, req.text))) return error(401, EMS_SANDBOX_ERROR.BAD_SIGNATURE, 'signature does not match');
    if (!/^\d+$/.test(ts) || Math.abs(clock().getTime() - Number(ts)) > MAX_SKEW_MS) return error(401, EMS_SANDBOX_ERROR.STALE_TIMESTAMP, 'timestamp more than 5 minutes off');
    let body: unknown;
    try {
      body = JSON.parse(req.text);
    } catch {
      return error(400, EMS_SANDBOX_ERROR.INVALID_REQUEST, 'body is not JSON');
    }
    return route(req.path, body);
  }

  const gate = signatureFaultGate(await startSandboxServer({ port: opts.port, handler: handle }));
  const server = gate.server;

  return {
    adapter: EMS_ADAPTER_ID,
    server,
    log,
    connectorConfig: () => ({ baseUrl: server.url, partnerId, secret }),
    pickUp: (no) => courier.pickUp(no),
    deliver: (no) => courier.deliver(no),
    setDelays: (d) => courier.setDelays(d),
    idle: () => courier.idle(),
    waybills: (pred = () => true) => book.select(pred),
    state: () => ({ waybills: book.view(), events: structuredClone(Object.fromEntries(events)) }),
    async close() {
      courier.close();
      await server.close();
    },
  };
}

// `satisfies` keeps start()'s own options visible to callers (routePushToken, delays...) while checking the shape.
export const sandbox = { adapter: EMS_ADAPTER_ID, start } satisfies SandboxDefinition<EmsSandbox>;
