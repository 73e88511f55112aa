import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  COURIER_STAGE,
  Courier,
  DEFAULT_COURIER_DELAYS,
  WAYBILL_STATUS,
  WaybillBook,
  gmt8WallClock,
  pushToHub,
  type CourierDelays,
  type PlatformWaybillCarrier,
  type SandboxWaybill,
  type WaybillReader,
  type WaybillStateView,
} from '../../src/sandbox/courier-kit.js';
import { signatureFaultGate } from '../../src/sandbox/signature-fault.js';
import {
  SandboxLog,
  startSandboxServer,
  type SandboxDefinition,
  type SandboxRequest,
  type SandboxResponse,
  type SandboxStartOptions,
  type SandboxSystem,
} from '../../src/sandbox/core.js';
import { SF_DEAL_TYPE } from './operations/update-waybill.js';
import { SF_OP } from './operations/query-tracking.js';
import { SF_ROUTE_PUSH_ACK } from './route-push.js';
import { SF_ADAPTER_ID, SF_ERROR, SF_SERVICE, sfMsgDigest } from './transport.js';

/**
 * SF's `std/service` gateway on 127.0.0.1: form POST, msgDigest checked with SF's algorithm,
 * answers in SF's envelope (apiResultData as a JSON string), waybills kept with live/cancelled
 * status, and a courier that pushes pickup (opCode 50) then delivery (80) to the hub's route
 * push receiver after configurable delays. Codes SF documents are used as documented; the ones
 * integrators report (8016, 8037, 8252) are used as the adapter expects them.
 */
export const SF_SANDBOX_CODE = {
  /** Gateway codes (apiResultCode). */
  OK: 'A1000',
  MISSING_PARAMETER: 'A1001',
  NO_PERMISSION: 'A1004',
  BAD_DIGEST: 'A1006',
  /** Business codes (apiResultData.errorCode). */
  SUCCESS: SF_ERROR.OK,
  INVALID_INPUT: 'S0002',
  BUSY: 'S0003',
  DUPLICATE_ORDER: SF_ERROR.DUPLICATE_ORDER,
  ORDER_NOT_FOUND: '8018',
  ALREADY_CANCELLED: SF_ERROR.ALREADY_CANCELLED,
  ALREADY_PICKED_UP: '8252',
} as const;

/** Where the hub receives SF route pushes (src/http/app.ts mounts sfRouteRoutes here; the token is webhooks.sfRoutePushToken). */
export const SF_ROUTE_PUSH_PATH = '/webhooks/sf-express/routes';
export const SF_SANDBOX_PATH = '/std/service';
export const SF_SANDBOX_DEFAULTS = { partnerId: 'ZS_SANDBOX', checkword: 'sandbox-sf-checkword', routePushToken: 'sandbox-sf-route-token' } as const;

export interface SfSandboxOptions extends SandboxStartOptions {
  partnerId?: string;
  checkword?: string;
  /** The secret path segment of the hub's receiver (the hub's webhooks.sfRoutePushToken). */
  routePushToken?: string;
  delays?: Partial<CourierDelays>;
  /** How a create with a known orderId is answered: SF's documented first result (default) or 8016. */
  duplicate?: 'same-result' | 'error-8016';
  /** Receiver provinces SF does not serve (filterResult 3). */
  unserviceableProvinces?: string[];
}

/** A route as SF reports it in a route query. */
export interface SfSandboxRoute {
  opCode: string;
  acceptTime: string;
  acceptAddress: string;
  remark: string;
}

export interface SfSandboxState {
  waybills: WaybillStateView;
  routes: Record<string, SfSandboxRoute[]>;
  pushes: { acknowledged: number; failed: number };
}

export interface SfSandbox extends SandboxSystem, PlatformWaybillCarrier, WaybillReader {
  readonly partnerId: string;
  /** Moves the parcel now (and pushes, when a hub is set). Throws for an unknown or cancelled waybill. */
  pickUp(waybillNo: string): Promise<SandboxWaybill>;
  deliver(waybillNo: string): Promise<SandboxWaybill>;
  /** Adds any other route (e.g. opCode 33 派件异常) to what the route query shows; pushed too when a hub is set. */
  addRoute(waybillNo: string, route: Omit<SfSandboxRoute, 'acceptTime'> & { acceptTime?: string }): Promise<void>;
  setDelays(d: Partial<CourierDelays>): void;
  /** The next business call of this service (any when omitted) fails with this errorCode, e.g. S0003. */
  failNext(errorCode: string, errorMsg: string, serviceCode?: string): void;
  /** Resolves once no courier step or push is in flight. */
  idle(): Promise<void>;
  /**
   * Each call takes effect at once but is answered this much later (null: at once): the client
   * that gives up meanwhile loses an answer SF already acted on, unlike the core's latency
   * switch, which holds the request before SF sees it.
   */
  holdAnswers(ms: number | null): void;
  state(): SfSandboxState;
}

const Contact = z.object({ contactType: z.number().int(), contact: z.string().min(1), province: z.string().min(1), city: z.string().min(1), address: z.string().min(1) }).passthrough();
const CreateMsg = z.object({
  orderId: z.string().min(1).max(64),
  contactInfoList: z.array(Contact).min(2),
  cargoDetails: z.array(z.object({ name: z.string().min(1), count: z.number().positive() }).passthrough()).min(1),
  expressTypeId: z.number().int().positive().optional(),
  parcelQty: z.number().int().positive().optional(),
  monthlyCard: z.string().optional(),
  remark: z.string().max(100).optional(),
});
const SearchOrderMsg = z.object({ orderId: z.string().min(1) });
const UpdateMsg = z.object({
  orderId: z.string().min(1),
  dealType: z.union([z.literal(SF_DEAL_TYPE.CONFIRM), z.literal(SF_DEAL_TYPE.CANCEL)]),
  waybillNoInfoList: z.array(z.object({ waybillNo: z.string() })).optional(),
  destContactInfo: Contact.optional(),
});
const RoutesMsg = z.object({ trackingType: z.enum(['1', '2']), trackingNumber: z.array(z.string().min(1)).min(1) });
const REQUIRED_FIELDS = ['partnerID', 'requestID', 'serviceCode', 'timestamp', 'msgDigest', 'msgData'] as const;

const firstIssue = (e: z.ZodError) => `${e.issues[0]?.path.join('.') ?? ''} ${e.issues[0]?.message ?? ''}`.trim();

async function start(opts: SfSandboxOptions = {}): Promise<SfSandbox> {
  const clock = opts.clock ?? (() => new Date());
  const partnerId = opts.partnerId ?? SF_SANDBOX_DEFAULTS.partnerId;
  const checkword = opts.checkword ?? SF_SANDBOX_DEFAULTS.checkword;
  const token = opts.routePushToken ?? SF_SANDBOX_DEFAULTS.routePushToken;
  const log = new SandboxLog(SF_ADAPTER_ID, clock);
  const book = new WaybillBook(clock, (n) => `SF${String(1_400_000_000_000 + n)}`);
  const routes = new Map<string, SfSandboxRoute[]>();
  const scripted: { errorCode: string; errorMsg: string; serviceCode: string | undefined }[] = [];
  const pushes = { acknowledged: 0, failed: 0 };

  const envelope = (apiResultCode: string, apiErrorMsg: string | null, data?: unknown): SandboxResponse => ({
    body: { apiResultCode, apiErrorMsg, apiResponseID: randomUUID().replace(/-/g, ''), apiResultData: data === undefined ? null : JSON.stringify(data) },
  });
  const ok = (msgData: unknown) => ({ success: true, errorCode: SF_SANDBOX_CODE.SUCCESS, errorMsg: null, msgData });
  const fail = (errorCode: string, errorMsg: string) => ({ success: false, errorCode, errorMsg, msgData: null });
  const orderResult = (w: SandboxWaybill) => ({ orderId: w.orderId, filterResult: 2, waybillNoInfoList: [{ waybillType: 1, waybillNo: w.waybillNo }] });

  const addRouteRecord = (waybillNo: string, r: SfSandboxRoute) => {
    const list = routes.get(waybillNo) ?? [];
    list.push(r);
    routes.set(waybillNo, list);
  };

  async function push(w: SandboxWaybill, r: SfSandboxRoute): Promise<void> {
    if (!opts.push) return;
    const url = `${opts.push.hubUrl.replace(/\/$/, '')}${SF_ROUTE_PUSH_PATH}/${encodeURIComponent(token)}`;
    const outcome = await pushToHub({
      url,
      body: sfRoutePushBody([{ waybillNo: w.waybillNo, orderId: w.orderId, route: r }]),
      contentType: 'application/json;charset=UTF-8',
      isAck: (status, text) => status === 200 && text.includes(`"return_code":"${SF_ROUTE_PUSH_ACK.return_code}"`),
    });
    if (outcome.acknowledged) pushes.acknowledged++;
    else pushes.failed++;
    log.record('route.push', w.waybillNo, { opCode: r.opCode, orderId: w.orderId, ...outcome });
  }

  const STAGE_ROUTE = {
    [COURIER_STAGE.PICKED_UP]: { opCode: SF_OP.PICKED_UP, acceptAddress: '深圳市', remark: '顺丰速运 已收取快件' },
    [COURIER_STAGE.DELIVERED]: { opCode: SF_OP.DELIVERED, acceptAddress: '收件城市', remark: '快件已签收' },
  } as const;

  const courier = new Courier(book, { ...DEFAULT_COURIER_DELAYS, ...opts.delays }, clock, log, async (w, stage) => {
    const r: SfSandboxRoute = { ...STAGE_ROUTE[stage], acceptTime: gmt8WallClock(clock()) };
    addRouteRecord(w.waybillNo, r);
    await push(w, r);
  });

  function business(serviceCode: string, msgData: unknown): unknown {
    const i = scripted.findIndex((s) => s.serviceCode === undefined || s.serviceCode === serviceCode);
    if (i >= 0) {
      const [s] = scripted.splice(i, 1);
      if (s) return fail(s.errorCode, s.errorMsg);
    }
    switch (serviceCode) {
      case SF_SERVICE.CREATE_ORDER: {
        const m = CreateMsg.safeParse(msgData);
        if (!m.success) return fail(SF_SANDBOX_CODE.INVALID_INPUT, `必填参数为空或不合法: ${firstIssue(m.error)}`);
        const known = book.byOrder(m.data.orderId);
        if (known) {
          log.record('waybill.create', known.waybillNo, { orderId: known.orderId, reused: true });
          return opts.duplicate === 'error-8016' ? fail(SF_SANDBOX_CODE.DUPLICATE_ORDER, '重复下单') : ok(orderResult(known));
        }
        const receiver = m.data.contactInfoList.find((c) => c.contactType === 2);
        if (!receiver || !m.data.contactInfoList.some((c) => c.contactType === 1)) return fail(SF_SANDBOX_CODE.INVALID_INPUT, '缺少寄件方或收件方');
        if (opts.unserviceableProvinces?.includes(receiver.province)) {
          log.record('waybill.not_serviceable', null, { orderId: m.data.orderId });
          return ok({ orderId: m.data.orderId, filterResult: 3, waybillNoInfoList: [] });
        }
        const w = book.create(m.data.orderId, receiver, { expressTypeId: m.data.expressTypeId ?? null, parcelQty: m.data.parcelQty ?? 1, remark: m.data.remark ?? null });
        log.record('waybill.create', w.waybillNo, { orderId: w.orderId, reused: false });
        courier.scheduleNew(w);
        return ok(orderResult(w));
      }
      case SF_SERVICE.SEARCH_ORDER: {
        const m = SearchOrderMsg.safeParse(msgData);
        if (!m.success) return fail(SF_SANDBOX_CODE.INVALID_INPUT, `orderId: ${firstIssue(m.error)}`);
        const w = book.byOrder(m.data.orderId);
        return w ? ok(orderResult(w)) : fail(SF_SANDBOX_CODE.ORDER_NOT_FOUND, '未获取到订单信息');
      }
      case SF_SERVICE.UPDATE_ORDER: {
        const m = UpdateMsg.safeParse(msgData);
        if (!m.success) return fail(SF_SANDBOX_CODE.INVALID_INPUT, `参数不合法: ${firstIssue(m.error)}`);
        const w = book.byOrder(m.data.orderId);
        if (!w) return fail(SF_SANDBOX_CODE.ORDER_NOT_FOUND, '未获取到订单信息');
        const given = m.data.waybillNoInfoList?.[0]?.waybillNo;
        if (given !== undefined && given !== w.waybillNo) return ok({ orderId: w.orderId, resStatus: 1, waybillNoInfoList: [] });
        if (w.status === WAYBILL_STATUS.CANCELLED) return fail(SF_SANDBOX_CODE.ALREADY_CANCELLED, '已消单');
        if (m.data.dealType === SF_DEAL_TYPE.CANCEL) {
          if (w.stage !== COURIER_STAGE.CREATED) return fail(SF_SANDBOX_CODE.ALREADY_PICKED_UP, '订单已揽收，不能取消');
          book.cancel(w);
          courier.stop(w.waybillNo);
          log.record('waybill.cancel', w.waybillNo, { orderId: w.orderId });
        } else if (m.data.destContactInfo) {
          w.receiver = m.data.destContactInfo;
          w.updates++;
          log.record('waybill.update', w.waybillNo, { orderId: w.orderId, updates: w.updates });
        }
        return ok({ orderId: w.orderId, resStatus: 2, waybillNoInfoList: [{ waybillType: 1, waybillNo: w.waybillNo }] });
      }
      case SF_SERVICE.SEARCH_ROUTES: {
        const m = RoutesMsg.safeParse(msgData);
        if (!m.success) return fail(SF_SANDBOX_CODE.INVALID_INPUT, `trackingNumber: ${firstIssue(m.error)}`);
        const routeResps = m.data.trackingNumber.map((n) => {
          const w = m.data.trackingType === '1' ? book.get(n) : book.byOrder(n);
          log.record('route.query', w?.waybillNo ?? n, { trackingType: m.data.trackingType, found: w !== undefined });
          return { mailNo: w?.waybillNo ?? (m.data.trackingType === '1' ? n : ''), orderId: w?.orderId ?? null, routes: w ? (routes.get(w.waybillNo) ?? []) : [] };
        });
        return ok({ routeResps });
      }
      default:
        return undefined;
    }
  }

  function handle(req: SandboxRequest): SandboxResponse {
    if (req.method !== 'POST' || req.path !== SF_SANDBOX_PATH) return { status: 404, body: 'not found' };
    const form = new URLSearchParams(req.text);
    const field = (k: string) => form.get(k) ?? '';
    const reject = (code: string, msg: string) => {
      log.record('request.rejected', field('serviceCode') || null, { apiResultCode: code, reason: msg });
      return envelope(code, msg);
    };
    for (const k of REQUIRED_FIELDS) if (!form.get(k)) return reject(SF_SANDBOX_CODE.MISSING_PARAMETER, `缺少参数 ${k}`);
    if (field('partnerID') !== partnerId) return reject(SF_SANDBOX_CODE.NO_PERMISSION, `partnerID ${field('partnerID')} 无权限`);
    // SF answers a bad signature inside a 200 envelope: the "401" of this gateway.
    const digestOk = field('msgDigest') === sfMsgDigest(field('msgData'), field('timestamp'), checkword);
    if (gate.badSignature() || !digestOk) return reject(SF_SANDBOX_CODE.BAD_DIGEST, '数字签名无效');
    let msgData: unknown;
    try {
      msgData = JSON.parse(field('msgData'));
    } catch {
      return envelope(SF_SANDBOX_CODE.OK, null, fail(SF_SANDBOX_CODE.INVALID_INPUT, 'msgData 不是合法的JSON'));
    }
    const data = business(field('serviceCode'), msgData);
    if (data === undefined) return reject(SF_SANDBOX_CODE.NO_PERMISSION, `未开通服务 ${field('serviceCode')}`);
    return envelope(SF_SANDBOX_CODE.OK, null, data);
  }

  let answerDelayMs: number | null = null;
  const answerLater = async (req: SandboxRequest): Promise<SandboxResponse> => {
    const out = handle(req);
    if (answerDelayMs !== null) await new Promise((r) => setTimeout(r, answerDelayMs ?? 0));
    return out;
  };
  const gate = signatureFaultGate(await startSandboxServer({ port: opts.port, handler: answerLater }));
  const server = gate.server;

  return {
    adapter: SF_ADAPTER_ID,
    server,
    log,
    partnerId,
    connectorConfig: () => ({ url: `${server.url}${SF_SANDBOX_PATH}`, partnerId, checkword }),
    pickUp: (no) => courier.pickUp(no),
    deliver: (no) => courier.deliver(no),
    async addRoute(waybillNo, route) {
      const w = book.get(waybillNo);
      if (!w) throw new Error(`sf sandbox: no waybill ${waybillNo}`);
      const r: SfSandboxRoute = { ...route, acceptTime: route.acceptTime ?? gmt8WallClock(clock()) };
      addRouteRecord(waybillNo, r);
      await push(w, r);
    },
    carry({ waybillNo, orderId, receiver }) {
      if (book.get(waybillNo)) return;
      const w = book.create(orderId, receiver, { issuedBy: 'platform' }, waybillNo);
      log.record('waybill.carry', w.waybillNo, { orderId });
      courier.scheduleNew(w);
    },
    release(waybillNo) {
      const w = book.get(waybillNo);
      if (!w || w.status === WAYBILL_STATUS.CANCELLED) return;
      book.cancel(w);
      courier.stop(w.waybillNo);
      log.record('waybill.release', w.waybillNo, { orderId: w.orderId });
    },
    stageOf: (waybillNo) => book.get(waybillNo)?.stage ?? null,
    setDelays: (d) => courier.setDelays(d),
    failNext(errorCode, errorMsg, serviceCode) {
      scripted.push({ errorCode, errorMsg, serviceCode });
    },
    idle: () => courier.idle(),
    holdAnswers(ms) {
      answerDelayMs = ms;
    },
    waybills: (pred = () => true) => book.select(pred),
    state: () => ({ waybills: book.view(), routes: structuredClone(Object.fromEntries(routes)), pushes: { ...pushes } }),
    async close() {
      courier.close();
      await server.close();
    },
  };
}

/**
 * A route push body as SF sends it (`{"Body":{"WaybillRoute":[...]}}`): what the sandbox pushes,
 * and what a test posts to a hub that does not listen on a port.
 */
export function sfRoutePushBody(records: { waybillNo: string; orderId: string; route: SfSandboxRoute }[]): string {
  return JSON.stringify({ Body: { WaybillRoute: records.map(({ waybillNo, orderId, route: r }) => ({ id: `${waybillNo}-${r.opCode}-${r.acceptTime.replace(/\D/g, '')}`, mailno: waybillNo, orderid: orderId, ...r })) } });
}

// `satisfies` keeps start()'s own options visible to callers (routePushToken, delays...) while checking the shape.
export const sandbox = { adapter: SF_ADAPTER_ID, start } satisfies SandboxDefinition<SfSandbox>;
