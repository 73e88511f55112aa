import { z } from 'zod';
import { COURIER_STAGE, Courier, DEFAULT_COURIER_DELAYS, WaybillBook, gmt8WallClock, type CourierDelays, type SandboxWaybill, type WaybillReader, type WaybillStateView } from '../../src/sandbox/courier-kit.js';
import { SandboxLog, startSandboxServer, type SandboxDefinition, type SandboxRequest, type SandboxResponse, type SandboxStartOptions, type SandboxSystem } from '../../src/sandbox/core.js';
import { signatureFaultGate } from '../../src/sandbox/signature-fault.js';
import { KDNIAO_ADAPTER_ID, KDNIAO_REQUEST_TYPE, kdniaoDataSign } from './transport.js';
import { kdniaoSubscriptions } from './sandbox-subscriptions.js';

/**
 * KDNiao's `EbusinessOrderHandle.aspx` on 127.0.0.1 for the tracking queries the adapter makes
 * (RequestType 1002 instant, 8001 enhanced): the form and DataSign checked as KDNiao's demo
 * builds them, answers in KDNiao's shape (Success/Reason/State/StateEx/Traces). KDNiao tracks
 * parcels other carriers issued, so a parcel is registered with `track(shipperCode, logisticCode)`;
 * its courier then moves it (State 0 -> 1 picked up -> 3 signed) after the delays or by hand.
 * The hub has no KDNiao push receiver: tracking is pulled. Failure Reasons are UNVERIFIED
 * wordings in KDNiao's style; only Success:false matters to the adapter.
 */
export const KDNIAO_SANDBOX_REASON = {
  BAD_SIGN: '数据签名验证失败',
  UNKNOWN_USER: '用户ID不存在或未开通此接口',
  BAD_REQUEST: 'RequestData格式错误',
  UNSUPPORTED_TYPE: '不支持的RequestType',
  NO_TRACE: '暂无轨迹信息',
} as const;

export const KDNIAO_SANDBOX_PATH = '/Ebusiness/EbusinessOrderHandle.aspx';
export const KDNIAO_SANDBOX_DEFAULTS = { eBusinessId: '1000001', appKey: 'sandbox-kdniao-appkey' } as const;

/**
 * KDNiao State codes used here (WIRE-FORMATS §5) and the 8001 StateEx sub-codes: 301 正常签收 is
 * listed there; StateEx 1 for a plain pickup repeats the State (UNVERIFIED, no sub-code is listed).
 */
const STATE = { NONE: 0, PICKED_UP: 1, SIGNED: 3, PROBLEM: 4 } as const;
const STATE_EX = { PICKED_UP: 1, SIGNED_NORMAL: 301 } as const;

export interface KdniaoSandboxOptions extends SandboxStartOptions {
  eBusinessId?: string;
  appKey?: string;
  delays?: Partial<CourierDelays>;
  /** Where 8008-subscribed parcels are pushed (the push URL of the KDNiao account); also setPushUrl(). */
  pushUrl?: string;
}

export interface KdniaoTrace {
  AcceptTime: string;
  AcceptStation: string;
  Location: string;
  Action: string;
}

export interface KdniaoSandboxState {
  /** Parcels being tracked (all live: a tracker does not cancel). */
  waybills: WaybillStateView;
  traces: Record<string, KdniaoTrace[]>;
  queries: number;
}

export interface KdniaoSandbox extends SandboxSystem, WaybillReader {
  /** Starts tracking a parcel another carrier issued; its courier starts moving it. */
  track(shipperCode: string, logisticCode: string): SandboxWaybill;
  pickUp(logisticCode: string): Promise<SandboxWaybill>;
  deliver(logisticCode: string): Promise<SandboxWaybill>;
  /**
   * The carrier reports a problem with a picked-up parcel (State 4 问题件, with a StateEx such as
   * 405 派件异常 or 404 拒收) and its trace; a later deliver() clears it.
   */
  problem(logisticCode: string, stateEx?: number, station?: string): void;
  setDelays(d: Partial<CourierDelays>): void;
  /** The push URL subscribed parcels' changes go to (null: none, as before the account sets one). */
  setPushUrl(url: string | null): void;
  /** Parcels subscribed with RequestType 8008, and how many pushes were sent. */
  subscriptions(): { waybills: string[]; pushes: number };
  idle(): Promise<void>;
  state(): KdniaoSandboxState;
}

const RequestData = z.object({ OrderCode: z.string().optional(), ShipperCode: z.string().min(1), LogisticCode: z.string().min(1), CustomerName: z.string().optional() });

async function start(opts: KdniaoSandboxOptions = {}): Promise<KdniaoSandbox> {
  const clock = opts.clock ?? (() => new Date());
  const eBusinessId = opts.eBusinessId ?? KDNIAO_SANDBOX_DEFAULTS.eBusinessId;
  const appKey = opts.appKey ?? KDNIAO_SANDBOX_DEFAULTS.appKey;
  const log = new SandboxLog(KDNIAO_ADAPTER_ID, clock);
  // Numbers always come from track(): the book never issues one.
  const book = new WaybillBook(clock, (n) => `KDN${n}`);
  const traces = new Map<string, KdniaoTrace[]>();
  const problems = new Map<string, number>();
  let queries = 0;
  const subs = kdniaoSubscriptions({ eBusinessId, appKey, log, pushUrl: opts.pushUrl ?? null });

  const courier = new Courier(book, { ...DEFAULT_COURIER_DELAYS, ...opts.delays }, clock, log, (w, stage) => {
    const t: KdniaoTrace =
      stage === COURIER_STAGE.PICKED_UP
        ? { AcceptTime: gmt8WallClock(clock()), AcceptStation: '快件已揽收', Location: '杭州市', Action: String(STATE_EX.PICKED_UP) }
        : { AcceptTime: gmt8WallClock(clock()), AcceptStation: '已签收，签收人凭取货码签收', Location: '收件城市', Action: String(STATE_EX.SIGNED_NORMAL) };
    traces.set(w.waybillNo, [...(traces.get(w.waybillNo) ?? []), t]);
    const delivered = stage !== COURIER_STAGE.PICKED_UP;
    return subs.push(w.waybillNo, delivered ? STATE.SIGNED : STATE.PICKED_UP, delivered ? STATE_EX.SIGNED_NORMAL : null, traces.get(w.waybillNo) ?? [], t.AcceptTime);
  });

  const failure = (reason: string, extra: Record<string, unknown> = {}): SandboxResponse => {
    log.record('request.rejected', null, { reason });
    return { body: { EBusinessID: eBusinessId, Success: false, Reason: reason, ...extra } };
  };

  function handle(req: SandboxRequest): SandboxResponse {
    if (req.method !== 'POST' || req.path !== KDNIAO_SANDBOX_PATH) return { status: 404, body: 'not found' };
    const form = new URLSearchParams(req.text);
    const requestData = form.get('RequestData') ?? '';
    const requestType = form.get('RequestType') ?? '';
    // The form decoder already undid the one URL-encoding of DataSign; compare with the decoded expected value.
    const expected = decodeURIComponent(kdniaoDataSign(requestData, appKey));
    if (gate.badSignature() || form.get('DataSign') !== expected) return failure(KDNIAO_SANDBOX_REASON.BAD_SIGN);
    if (form.get('EBusinessID') !== eBusinessId) return failure(KDNIAO_SANDBOX_REASON.UNKNOWN_USER);
    if (requestType !== KDNIAO_REQUEST_TYPE.INSTANT && requestType !== KDNIAO_REQUEST_TYPE.ENHANCED && requestType !== KDNIAO_REQUEST_TYPE.SUBSCRIBE) return failure(`${KDNIAO_SANDBOX_REASON.UNSUPPORTED_TYPE}: ${requestType}`);
    let parsed: z.infer<typeof RequestData>;
    try {
      const r = RequestData.safeParse(JSON.parse(requestData));
      if (!r.success) return failure(`${KDNIAO_SANDBOX_REASON.BAD_REQUEST}: ${r.error.issues[0]?.path.join('.') ?? ''}`);
      parsed = r.data;
    } catch {
      return failure(KDNIAO_SANDBOX_REASON.BAD_REQUEST);
    }
    if (requestType === KDNIAO_REQUEST_TYPE.SUBSCRIBE) {
      subs.subscribe(parsed.ShipperCode, parsed.LogisticCode);
      return { body: { EBusinessID: eBusinessId, UpdateTime: gmt8WallClock(clock()), Success: true, Reason: '' } };
    }
    queries++;
    const w = book.get(parsed.LogisticCode);
    const enhanced = requestType === KDNIAO_REQUEST_TYPE.ENHANCED;
    log.record('tracking.query', parsed.LogisticCode, { requestType, shipperCode: parsed.ShipperCode, known: w !== undefined });
    const base = { EBusinessID: eBusinessId, OrderCode: parsed.OrderCode ?? '', ShipperCode: parsed.ShipperCode, LogisticCode: parsed.LogisticCode, Success: true };
    if (!w || w.stage === COURIER_STAGE.CREATED) return { body: { ...base, State: String(STATE.NONE), Reason: KDNIAO_SANDBOX_REASON.NO_TRACE, Traces: [] } };
    const list = traces.get(w.waybillNo) ?? [];
    const problem = w.stage === COURIER_STAGE.DELIVERED ? undefined : problems.get(w.waybillNo);
    const state = w.stage === COURIER_STAGE.DELIVERED ? STATE.SIGNED : problem !== undefined ? STATE.PROBLEM : STATE.PICKED_UP;
    const stateEx = w.stage === COURIER_STAGE.DELIVERED ? STATE_EX.SIGNED_NORMAL : (problem ?? STATE_EX.PICKED_UP);
    // 1002 carries no StateEx/Location/Action: those are what the paid 8001 adds.
    const shown = enhanced ? list : list.map((t) => ({ AcceptTime: t.AcceptTime, AcceptStation: t.AcceptStation }));
    return { body: { ...base, State: String(state), ...(enhanced ? { StateEx: String(stateEx), Location: list[list.length - 1]?.Location ?? '' } : {}), Reason: null, Traces: shown } };
  }

  const gate = signatureFaultGate(await startSandboxServer({ port: opts.port, handler: handle }));
  const server = gate.server;

  return {
    adapter: KDNIAO_ADAPTER_ID,
    server,
    log,
    connectorConfig: () => ({ url: `${server.url}${KDNIAO_SANDBOX_PATH}`, eBusinessId, appKey }),
    track(shipperCode, logisticCode) {
      const known = book.get(logisticCode);
      if (known) return known;
      const w = book.create(`${shipperCode}:${logisticCode}`, null, { shipperCode }, logisticCode);
      log.record('parcel.track', logisticCode, { shipperCode });
      courier.scheduleNew(w);
      return w;
    },
    pickUp: (no) => courier.pickUp(no),
    deliver: (no) => courier.deliver(no),
    problem(no, stateEx = 405, station = '派件异常，联系不上收件人') {
      const w = book.get(no);
      if (!w || w.stage !== COURIER_STAGE.PICKED_UP) throw new Error(`kdniao sandbox: ${no} is not picked up, so it cannot be a problem parcel`);
      problems.set(no, stateEx);
      traces.set(no, [...(traces.get(no) ?? []), { AcceptTime: gmt8WallClock(clock()), AcceptStation: station, Location: '收件城市', Action: String(stateEx) }]);
      log.record('parcel.problem', no, { stateEx });
    },
    setDelays: (d) => courier.setDelays(d),
    setPushUrl: (url) => subs.setPushUrl(url),
    subscriptions: () => ({ waybills: subs.list(), pushes: subs.pushes }),
    idle: () => courier.idle(),
    waybills: (pred = () => true) => book.select(pred),
    state: () => ({ waybills: book.view(), traces: structuredClone(Object.fromEntries(traces)), queries }),
    async close() {
      courier.close();
      await server.close();
    },
  };
}

// `satisfies` keeps start()'s own options visible to callers (routePushToken, delays...) while checking the shape.
export const sandbox = { adapter: KDNIAO_ADAPTER_ID, start } satisfies SandboxDefinition<KdniaoSandbox>;
