import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SandboxLog, startSandboxServer, type SandboxDefinition, type SandboxRequest, type SandboxResponse, type SandboxStartOptions, type SandboxSystem } from '../../src/sandbox/core.js';
import { signatureFaultGate } from '../../src/sandbox/signature-fault.js';
import { FORM_ID } from './operations/push-sales-order.js';
import { ADAPTER_ID, SERVICE } from './transport.js';

/**
 * Kingdee Cloud Galaxy's WebAPI on 127.0.0.1: `POST /k3cloud/{service}.common.kdsvc` with
 * `{"parameters":[...]}`. LoginByAppSecret sets the session cookies; every other call needs them
 * (else "会话信息已丢失" MsgCode 1, like Kingdee). SAL_SaleOrder bills live by FBillNo with
 * FDocumentStatus A (saved) -> B (submitted) -> C (audited); Save checks base data (material,
 * customer, sale org) as IsVerifyBaseDataField asks, and a second bill with a used FBillNo is
 * refused "单据编号已存在". Kingdee signs nothing: BAD_SIGNATURE answers as a lost session
 * (or a refused login), which is how a bad credential shows there.
 */
export const KINGDEE_SANDBOX_PATH = '/k3cloud';
export const KINGDEE_SANDBOX_DEFAULTS = {
  acctId: 'sandbox-acct',
  username: 'hub-api',
  appId: 'sandbox-app',
  appSecret: 'sandbox-kingdee-secret',
  saleOrgNumber: '100',
  customerNumber: 'CUST-ONLINE',
} as const;

export const BILL_STATUS = { SAVED: 'A', SUBMITTED: 'B', AUDITED: 'C' } as const;
export type BillStatus = (typeof BILL_STATUS)[keyof typeof BILL_STATUS];

export interface KingdeeSandboxOptions extends SandboxStartOptions {
  acctId?: string;
  username?: string;
  appId?: string;
  appSecret?: string;
  saleOrgNumber?: string;
  customerNumber?: string;
  /** Merchant SKU -> material number: the materials this ERP knows (base data), and the table connectorConfig() hands the adapter. */
  materials?: Record<string, string>;
}

export interface KingdeeSandboxBillLine {
  material: string;
  unit: string;
  qty: string;
  taxPrice: string;
  isFree: boolean;
}

export interface KingdeeSandboxBill {
  fid: number;
  billNo: string;
  status: BillStatus;
  customer: string;
  saleOrg: string;
  note: string;
  lines: KingdeeSandboxBillLine[];
  saves: number;
}

export interface KingdeeSandboxState {
  bills: { counts: Record<BillStatus, number>; list: KingdeeSandboxBill[] };
  logins: number;
}

export interface KingdeeSandbox extends SandboxSystem {
  /** The next `n` calls with a session answer "session lost" (a Kingdee restart or timeout). */
  expireSession(n?: number): void;
  /** The next call of this service (short name: Save, Submit, Audit, ExecuteBillQuery) answers with Kingdee errors. */
  failNext(service: string, errors: { FieldName?: string; Message: string }[]): void;
  state(): KingdeeSandboxState;
}

const Params = z.object({ parameters: z.array(z.unknown()) });
const Json = z.string().transform((s, ctx): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not JSON' });
    return z.NEVER;
  }
});
const Num = z.object({ FNumber: z.string().min(1) });
const SaveData = z.object({
  Model: z.object({
    FID: z.union([z.number(), z.string()]),
    FBillNo: z.string().min(1),
    FSaleOrgId: Num,
    FCustId: Num,
    FNote: z.string().optional(),
    FSaleOrderEntry: z.array(z.object({ FMaterialId: Num, FUnitID: Num, FQty: z.union([z.string(), z.number()]).transform(String), FTaxPrice: z.union([z.string(), z.number()]).transform(String), FIsFree: z.boolean().optional() })).min(1),
  }),
});
const NumbersData = z.object({ Numbers: z.array(z.string().min(1)).min(1) });
const Query = z.object({ FormId: z.string(), FieldKeys: z.string(), FilterString: z.string() }).passthrough();

const ok = (extra: Record<string, unknown> = {}) => ({ Result: { ResponseStatus: { ErrorCode: 0, IsSuccess: true, Errors: [], SuccessEntitys: [], MsgCode: 0, ...extra } } });
const failed = (errors: { FieldName?: string; Message: string }[], msgCode = 11) => ({
  Result: { ResponseStatus: { ErrorCode: 500, IsSuccess: false, Errors: errors.map((e, i) => ({ FieldName: e.FieldName ?? null, Message: e.Message, DIndex: i })), SuccessEntitys: [], MsgCode: msgCode } },
});
const SESSION_LOST_MSG = '会话信息已丢失，请重新登录';

async function start(opts: KingdeeSandboxOptions = {}): Promise<KingdeeSandbox> {
  const clock = opts.clock ?? (() => new Date());
  const cfg = {
    acctId: opts.acctId ?? KINGDEE_SANDBOX_DEFAULTS.acctId,
    username: opts.username ?? KINGDEE_SANDBOX_DEFAULTS.username,
    appId: opts.appId ?? KINGDEE_SANDBOX_DEFAULTS.appId,
    appSecret: opts.appSecret ?? KINGDEE_SANDBOX_DEFAULTS.appSecret,
    saleOrgNumber: opts.saleOrgNumber ?? KINGDEE_SANDBOX_DEFAULTS.saleOrgNumber,
    customerNumber: opts.customerNumber ?? KINGDEE_SANDBOX_DEFAULTS.customerNumber,
  };
  const materials = opts.materials ?? {};
  const knownMaterials = new Set(Object.values(materials));
  const log = new SandboxLog(ADAPTER_ID, clock);
  const bills = new Map<string, KingdeeSandboxBill>();
  const sessions = new Set<string>();
  const overrides = new Map<string, { FieldName?: string; Message: string }[]>();
  let expire = 0;
  let logins = 0;
  let nextFid = 100_001;

  const sessionOf = (cookie: string | undefined) => /kdservice-sessionid=([^;\s]+)/.exec(cookie ?? '')?.[1] ?? null;

  function login(p: unknown[], forcedBad: boolean): SandboxResponse {
    logins++;
    const [acct, user, appId, secret] = p;
    if (forcedBad || acct !== cfg.acctId || user !== cfg.username || appId !== cfg.appId || secret !== cfg.appSecret) {
      log.record('login.refused', null, { acctMatches: acct === cfg.acctId, userMatches: user === cfg.username });
      return { body: { LoginResultType: 0, Message: '第三方系统登录授权验证失败', KDSVCSessionId: null } };
    }
    const sid = randomUUID();
    sessions.add(sid);
    log.record('login', null, { logins });
    return {
      headers: { 'set-cookie': `kdservice-sessionid=${sid}; path=/` },
      body: { LoginResultType: 1, Message: null, KDSVCSessionId: sid },
    };
  }

  function save(data: unknown): unknown {
    const m = SaveData.safeParse(data);
    if (!m.success) return failed([{ FieldName: String(m.error.issues[0]?.path.at(-1) ?? ''), Message: `数据格式不正确: ${m.error.issues[0]?.path.join('.') ?? ''}` }]);
    const model = m.data.Model;
    // IsVerifyBaseDataField: each base-data reference must exist.
    const errors: { FieldName: string; Message: string }[] = [];
    if (model.FSaleOrgId.FNumber !== cfg.saleOrgNumber) errors.push({ FieldName: 'FSaleOrgId', Message: `销售组织 ${model.FSaleOrgId.FNumber} 不存在` });
    if (model.FCustId.FNumber !== cfg.customerNumber) errors.push({ FieldName: 'FCustId', Message: `客户 ${model.FCustId.FNumber} 不存在` });
    for (const e of model.FSaleOrderEntry) if (!knownMaterials.has(e.FMaterialId.FNumber)) errors.push({ FieldName: 'FMaterialId', Message: `物料 ${e.FMaterialId.FNumber} 不存在或未审核` });
    if (errors.length) return failed(errors);
    const prev = bills.get(model.FBillNo);
    if (prev && Number(model.FID) !== prev.fid) return failed([{ FieldName: 'FBillNo', Message: '单据编号已存在' }]);
    if (prev && prev.status !== BILL_STATUS.SAVED) return failed([{ FieldName: 'FDocumentStatus', Message: `单据 ${prev.billNo} 状态为 ${prev.status}，不能保存` }]);
    const bill: KingdeeSandboxBill = {
      fid: prev?.fid ?? nextFid++,
      billNo: model.FBillNo,
      status: BILL_STATUS.SAVED,
      customer: model.FCustId.FNumber,
      saleOrg: model.FSaleOrgId.FNumber,
      note: model.FNote ?? '',
      lines: model.FSaleOrderEntry.map((e) => ({ material: e.FMaterialId.FNumber, unit: e.FUnitID.FNumber, qty: e.FQty, taxPrice: e.FTaxPrice, isFree: e.FIsFree ?? false })),
      saves: (prev?.saves ?? 0) + 1,
    };
    bills.set(bill.billNo, bill);
    log.record('bill.save', bill.billNo, { fid: bill.fid, saves: bill.saves });
    return ok({ SuccessEntitys: [{ Id: bill.fid, Number: bill.billNo, DIndex: 0 }] });
  }

  function advance(op: 'Submit' | 'Audit', data: unknown): unknown {
    const m = NumbersData.safeParse(data);
    if (!m.success) return failed([{ FieldName: 'Numbers', Message: '单据编号不能为空' }]);
    const from = op === 'Submit' ? BILL_STATUS.SAVED : BILL_STATUS.SUBMITTED;
    const to = op === 'Submit' ? BILL_STATUS.SUBMITTED : BILL_STATUS.AUDITED;
    for (const n of m.data.Numbers) {
      const b = bills.get(n);
      if (!b) return failed([{ Message: `单据 ${n} 不存在` }]);
      if (b.status !== from) return failed([{ Message: `单据 ${n} 状态为 ${b.status}，不能${op === 'Submit' ? '提交' : '审核'}` }]);
    }
    for (const n of m.data.Numbers) {
      const b = bills.get(n);
      if (b) b.status = to;
      log.record(op === 'Submit' ? 'bill.submit' : 'bill.audit', n, {});
    }
    return ok({ SuccessEntitys: m.data.Numbers.map((n, i) => ({ Id: bills.get(n)?.fid ?? null, Number: n, DIndex: i })) });
  }

  function query(q: unknown): unknown {
    const m = Query.safeParse(q);
    if (!m.success || m.data.FormId !== FORM_ID) return [[failed([{ Message: `查询参数不正确: ${m.success ? `FormId ${m.data.FormId}` : (m.error.issues[0]?.path.join('.') ?? '')}` }])]];
    const wanted = /FBillNo='([^']*)'/.exec(m.data.FilterString)?.[1];
    const list = [...bills.values()].filter((b) => wanted === undefined || b.billNo === wanted);
    const keys = m.data.FieldKeys.split(',').map((k) => k.trim());
    const field = (b: KingdeeSandboxBill, k: string): unknown => (k === 'FID' ? b.fid : k === 'FBillNo' ? b.billNo : k === 'FDocumentStatus' ? b.status : null);
    return list.map((b) => keys.map((k) => field(b, k)));
  }

  function handle(req: SandboxRequest): SandboxResponse {
    const match = new RegExp(`^${KINGDEE_SANDBOX_PATH}/(.+)\\.common\\.kdsvc$`).exec(req.path);
    if (req.method !== 'POST' || !match) return { status: 404, body: 'not found' };
    const service = match[1] ?? '';
    const shortName = service.slice(service.lastIndexOf('.') + 1);
    let body: z.output<typeof Params>;
    try {
      const b = Params.safeParse(JSON.parse(req.text));
      if (!b.success) return { body: failed([{ FieldName: 'parameters', Message: '缺少 parameters' }]) };
      body = b.data;
    } catch {
      return { body: failed([{ Message: '请求不是合法的JSON' }]) };
    }
    const forced = gate.badSignature();
    if (service === SERVICE.LOGIN) return login(body.parameters, forced);
    const isQuery = service === SERVICE.BILL_QUERY;
    const sid = sessionOf(req.headers['cookie']);
    if (forced || expire > 0 || sid === null || !sessions.has(sid)) {
      if (expire > 0) {
        expire--;
        sessions.clear();
      }
      log.record('session.lost', shortName, {});
      const lost = failed([{ Message: SESSION_LOST_MSG }], 1);
      return { body: isQuery ? [[lost]] : lost };
    }
    const override = overrides.get(shortName);
    if (override) {
      overrides.delete(shortName);
      log.record('request.failed', shortName, { scripted: true });
      return { body: isQuery ? [[failed(override)]] : failed(override) };
    }
    const arg = (i: number) => Json.safeParse(body.parameters[i]);
    switch (service) {
      case SERVICE.BILL_QUERY: {
        const q = arg(0);
        return { body: q.success ? query(q.data) : [[failed([{ Message: '查询参数不是合法的JSON' }])]] };
      }
      case SERVICE.SAVE:
      case SERVICE.SUBMIT:
      case SERVICE.AUDIT: {
        if (body.parameters[0] !== FORM_ID) return { body: failed([{ Message: `表单 ${String(body.parameters[0])} 不存在` }]) };
        const d = arg(1);
        if (!d.success) return { body: failed([{ Message: '数据包不是合法的JSON' }]) };
        return { body: service === SERVICE.SAVE ? save(d.data) : advance(service === SERVICE.SUBMIT ? 'Submit' : 'Audit', d.data) };
      }
      default:
        return { body: failed([{ Message: `服务 ${service} 不存在` }]) };
    }
  }

  const gate = signatureFaultGate(await startSandboxServer({ port: opts.port, handler: handle }));
  const server = gate.server;

  return {
    adapter: ADAPTER_ID,
    server,
    log,
    connectorConfig: () => ({ baseUrl: `${server.url}${KINGDEE_SANDBOX_PATH}`, ...cfg, materials }),
    expireSession(n = 1) {
      expire = n;
    },
    failNext(service, errors) {
      overrides.set(service, errors);
    },
    state() {
      const list = structuredClone([...bills.values()]);
      const counts = { A: 0, B: 0, C: 0 };
      for (const b of list) counts[b.status]++;
      return { bills: { counts, list }, logins };
    },
    close: () => server.close(),
  };
}

// `satisfies` keeps start()'s own options visible to callers (routePushToken, delays...) while checking the shape.
export const sandbox = { adapter: ADAPTER_ID, start } satisfies SandboxDefinition<KingdeeSandbox>;
