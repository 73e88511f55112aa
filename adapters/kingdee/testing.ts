/** Shared by this adapter's tests: a config, a canonical order and an in-memory Kingdee behind msw. */
import { http, HttpResponse } from 'msw';
import { z } from 'zod';
import type { CanonicalOrder } from '../../src/canonical/order.js';
import { kingdeeConfig, type KingdeeConfig } from './config.js';

export const BASE = 'https://erp.test/k3cloud';

export function config(patch: Partial<z.input<typeof kingdeeConfig>> = {}): KingdeeConfig {
  return kingdeeConfig.parse({
    baseUrl: BASE,
    acctId: '66c3712248af25',
    username: 'hub-api',
    appId: '300001_test',
    appSecret: 'app-secret',
    saleOrgNumber: '100',
    customerNumber: 'CUST-ONLINE',
    materials: { 'ZP-2026-01': '1.01.001', 'FP-001': { number: '1.02.009', unit: 'Pcs' } },
    ...patch,
  });
}

const cny = (minor: number) => ({ minor, currency: 'CNY' });

export function sampleOrder(patch: Partial<CanonicalOrder> = {}): CanonicalOrder {
  return {
    schemaVersion: 1,
    source: { platform: 'youzan', channel: 'youzan-main', shop: 'shop-1', platformOrderId: 'E1', receivedAt: '2024-05-01T16:40:00Z' },
    status: 'paid',
    platformStatus: 'WAIT_SELLER_SEND_GOODS',
    orderType: 'normal',
    createdAt: '2024-05-01T16:29:00Z',
    paidAt: '2024-05-01T16:30:00Z',
    currency: 'CNY',
    totals: { goods: cny(29_900), freight: cny(0), discount: cny(1_000), paid: cny(28_900) },
    lines: [
      { lineId: 'E1-1', merchantSku: 'ZP-2026-01', title: '智能饮水机', quantity: 1, unitPrice: cny(29_900), lineTotal: cny(29_900), discount: cny(1_000), refundStatus: 'none' },
      { lineId: 'E1-g', merchantSku: 'FP-001', title: '滤芯', quantity: 1, unitPrice: cny(0), lineTotal: cny(0), discount: cny(0), refundStatus: 'none', gift: { labelPosition: 'top right of the waybill' } },
    ],
    recipient: { name: { plaintext: '张三' }, phone: { plaintext: '13800138000' } },
    address: { country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', detail: { plaintext: '文一西路 100 号' } },
    ...patch,
  };
}

export interface FakeBill {
  fid: number;
  billNo: string;
  status: 'A' | 'B' | 'C';
  model: Record<string, unknown>;
  saves: number;
}

export interface FakeKingdee {
  bills: Map<string, FakeBill>;
  calls: { service: string; parameters: unknown[]; cookie: string | null }[];
  logins: number;
  /** Makes the next n non-login calls answer "session lost" (MsgCode 1). */
  expireSession(n?: number): void;
  /** Answers the next call to `service` with this body instead. */
  failNext(service: string, body: unknown): void;
}

const Body = z.object({ parameters: z.array(z.unknown()) });
const Model = z.object({ Model: z.object({ FID: z.union([z.number(), z.string()]), FBillNo: z.string() }).passthrough() }).passthrough();
const Numbers = z.object({ Numbers: z.array(z.string()) });
const Query = z.object({ FormId: z.string(), FilterString: z.string() }).passthrough();

export const ok = (extra: Record<string, unknown> = {}) => ({ Result: { ResponseStatus: { ErrorCode: 0, IsSuccess: true, Errors: [], SuccessEntitys: [], MsgCode: 0, ...extra } } });
export const failed = (errors: { FieldName?: string; Message: string }[], msgCode = 11) => ({ Result: { ResponseStatus: { ErrorCode: 500, IsSuccess: false, Errors: errors.map((e, i) => ({ FieldName: e.FieldName ?? null, Message: e.Message, DIndex: i })), SuccessEntitys: [], MsgCode: msgCode } } });
export const SESSION_LOST = failed([{ Message: '会话信息已丢失，请重新登录' }], 1);

/** A stateful Kingdee behind msw: login sets the cookie, bills live in memory by FBillNo. */
export function fakeKingdee(): { handlers: ReturnType<typeof http.post>[]; state: FakeKingdee } {
  let session = 0;
  let expire = 0;
  let nextFid = 100_001;
  const overrides = new Map<string, unknown>();
  const state: FakeKingdee = {
    bills: new Map(),
    calls: [],
    logins: 0,
    expireSession(n = 1) {
      expire = n;
    },
    failNext(service, body) {
      overrides.set(service, body);
    },
  };
  const handler = http.post(`${BASE}/:service`, async ({ request, params }) => {
    const service = String(params['service']).replace(/\.common\.kdsvc$/, '');
    const { parameters } = Body.parse(await request.json());
    const cookie = request.headers.get('cookie');
    state.calls.push({ service, parameters, cookie });
    if (service.endsWith('AuthService.LoginByAppSecret')) {
      state.logins++;
      session++;
      if (parameters[3] !== 'app-secret') return HttpResponse.json({ LoginResultType: 0, Message: '第三方系统登录授权验证失败' });
      return HttpResponse.json(
        { LoginResultType: 1, Message: null, KDSVCSessionId: `sid-${session}` },
        { headers: [['set-cookie', `kdservice-sessionid=sid-${session}; path=/`], ['set-cookie', `ASP.NET_SessionId=asp-${session}; path=/; HttpOnly`]] },
      );
    }
    if (!cookie?.includes(`kdservice-sessionid=sid-${session}`) || expire > 0) {
      if (expire > 0) expire--;
      return HttpResponse.json(service.endsWith('ExecuteBillQuery') ? [[SESSION_LOST]] : SESSION_LOST);
    }
    const short = service.slice(service.lastIndexOf('.') + 1);
    const override = overrides.get(short);
    if (override !== undefined) {
      overrides.delete(short);
      return HttpResponse.json(override);
    }
    switch (short) {
      case 'ExecuteBillQuery': {
        const q = Query.parse(JSON.parse(String(parameters[0])));
        const m = /FBillNo='([^']*)'/.exec(q.FilterString);
        const bill = m ? state.bills.get(m[1] ?? '') : undefined;
        return HttpResponse.json(bill ? [[bill.fid, bill.billNo, bill.status]] : []);
      }
      case 'Save': {
        const { Model: model } = Model.parse(JSON.parse(String(parameters[1])));
        const prev = state.bills.get(model.FBillNo);
        if (prev && Number(model.FID) !== prev.fid) return HttpResponse.json(failed([{ FieldName: 'FBillNo', Message: '单据编号已存在' }]));
        const fid = prev?.fid ?? nextFid++;
        state.bills.set(model.FBillNo, { fid, billNo: model.FBillNo, status: 'A', model, saves: (prev?.saves ?? 0) + 1 });
        return HttpResponse.json(ok({ SuccessEntitys: [{ Id: fid, Number: model.FBillNo, DIndex: 0 }] }));
      }
      case 'Submit':
      case 'Audit': {
        const { Numbers: nums } = Numbers.parse(JSON.parse(String(parameters[1])));
        for (const n of nums) {
          const b = state.bills.get(n);
          if (!b) return HttpResponse.json(failed([{ Message: `单据 ${n} 不存在` }]));
          b.status = short === 'Submit' ? 'B' : 'C';
        }
        return HttpResponse.json(ok());
      }
      default:
        return HttpResponse.json(failed([{ Message: `unknown service ${service}` }]));
    }
  });
  return { handlers: [handler], state };
}

/**
 * fetch that records the Cookie header this adapter sends. msw keeps its own cookie jar and merges
 * it into what handlers see, so assertions about our header are made here, before msw.
 */
export function recordingFetch(): { fetch: typeof fetch; cookies: (string | null)[] } {
  const cookies: (string | null)[] = [];
  const f: typeof fetch = (input, init) => {
    cookies.push(new Headers(init?.headers).get('cookie'));
    return globalThis.fetch(input, init);
  };
  return { fetch: f, cookies };
}
