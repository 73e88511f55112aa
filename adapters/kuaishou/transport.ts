import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
import { beforeRequest, type RequestScope } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { ERROR_CODE } from '../../src/sdk/error-codes.js';
import { formPost, request, transientText } from '../_shared/platform-http.js';
import { ADAPTER_ID, KUAISHOU_OK, KUAISHOU_SIGN_METHOD } from './constants.js';

export { ADAPTER_ID };

/**
 * Kuaishou open platform signature (API调用说明 §4, the Java SDK's getSignParam/sortAndJoin):
 * the system parameters access_token, appkey, method, param, signMethod, timestamp, version,
 * sorted by name and joined as `k=v&...`, then `&signSecret=<secret>`; HMAC_SHA256 keyed with
 * the sign secret, Base64 (MD5: lower-case hex of the same text). Signed before URL-encoding.
 * Source: AndersonBY/kwaixiaodian-python-sdk docs/开发指南和规则协议/开发文档/API调用说明.md and
 * src/kwaixiaodian/auth/signature.py.
 */
export function signKuaishou(params: Readonly<Record<string, string>>, signSecret: string, signMethod: string = KUAISHOU_SIGN_METHOD.HMAC_SHA256): string {
  const text = `${Object.keys(params)
    .filter((k) => k !== 'sign')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${k}=${params[k] ?? ''}`)
    .join('&')}&signSecret=${signSecret}`;
  return signMethod === KUAISHOU_SIGN_METHOD.MD5 ? createHash('md5').update(text, 'utf8').digest('hex') : createHmac('sha256', signSecret).update(text, 'utf8').digest('base64');
}

/** The gateway envelope: `result` 1 on success, else `error_msg` / `msg` and optional sub codes. */
const Envelope = z.looseObject({
  result: z.number().int(),
  error_msg: z.string().nullish(),
  msg: z.string().nullish(),
  code: z.union([z.string(), z.number()]).nullish(),
  sub_code: z.union([z.string(), z.number()]).nullish(),
  sub_msg: z.string().nullish(),
  data: z.unknown().optional(),
});

/**
 * Retryable: QPS and quota limits ("Exceed qps limit", "exceed quota limit", K1008) and any text
 * saying busy / timeout / try later. The result codes themselves are not documented as a list
 * we could find, so an unknown failure is NOT retried (UNVERIFIED beyond the texts above).
 */
const KUAISHOU_TRANSIENT = transientText('exceed (qps|quota) limit', '系统异常', 'try again');

export function classifyKuaishouError(e: { result: number; error_msg?: string | null | undefined; msg?: string | null | undefined; sub_msg?: string | null | undefined }): { failed: boolean; retryable: boolean; code: string } {
  if (e.result === KUAISHOU_OK) return { failed: false, retryable: false, code: '' };
  const text = [e.error_msg, e.msg, e.sub_msg].filter((x) => x).join(' ');
  return { failed: true, retryable: KUAISHOU_TRANSIENT.test(text), code: `kuaishou_${e.result}` };
}

const BIG = '\u0000int64:';

/**
 * `param` as JSON with int64 ids as bare numbers: ids travel as strings inside the hub (they can
 * pass 2^53), and the gateway's Java side reads these fields as Long.
 */
export function paramJson(param: Record<string, unknown>): string {
  return JSON.stringify(param, (_k, v: unknown) => (typeof v === 'bigint' ? `${BIG}${v.toString()}` : v)).replace(/"\\u0000int64:(\d+)"/g, '$1');
}

export const HTTP_METHOD = { GET: 'GET', POST: 'POST' } as const;
export type HttpMethod = (typeof HTTP_METHOD)[keyof typeof HTTP_METHOD];

export interface KuaishouTransportOptions {
  appKey: string;
  signSecret: string;
  accessToken: string;
  baseUrl: string;
  timeoutMs: number;
  fetch: typeof fetch;
  now(): Date;
}

export class KuaishouTransport {
  constructor(private readonly o: KuaishouTransportOptions) {}

  /**
   * Calls `method` (e.g. `open.order.detail`, at /open/order/detail) with `param` as JSON and
   * returns `data`. GET APIs carry everything in the query; POST APIs (as each API documents)
   * carry the same form in an x-www-form-urlencoded body, which keeps a long `param` out of the URL.
   */
  async call(method: string, param: Record<string, unknown>, http: HttpMethod, scope: RequestScope | AbortSignal): Promise<unknown> {
    // One token of the shared rate limit per request, before it is signed (timestamps stay fresh).
    const signal = await beforeRequest(scope, method);
    const fields: Record<string, string> = {
      access_token: this.o.accessToken,
      appkey: this.o.appKey,
      method,
      param: paramJson(param),
      signMethod: KUAISHOU_SIGN_METHOD.HMAC_SHA256,
      timestamp: String(this.o.now().getTime()),
      version: '1',
    };
    fields['sign'] = signKuaishou(fields, this.o.signSecret);
    const path = `${this.o.baseUrl.replace(/\/$/, '')}/${method.replaceAll('.', '/')}`;
    const res = await request({
      adapter: ADAPTER_ID,
      what: method,
      fetch: this.o.fetch,
      url: http === HTTP_METHOD.GET ? `${path}?${new URLSearchParams(fields).toString()}` : path,
      init: http === HTTP_METHOD.GET ? { method: 'GET' } : formPost(fields),
      signal,
      timeoutMs: this.o.timeoutMs,
      vendorError: (body) => {
        const env = Envelope.safeParse(body);
        if (!env.success) return null;
        const c = classifyKuaishouError(env.data);
        if (!c.failed) return null;
        const e = env.data;
        return { code: c.code, message: [e.result, e.error_msg ?? e.msg, e.sub_code, e.sub_msg].filter((x) => x !== undefined && x !== null && x !== '').join(' / '), retryable: c.retryable };
      },
    });
    const env = Envelope.safeParse(res.body);
    if (!env.success) throw AdapterError.retryable(ADAPTER_ID, ERROR_CODE.BAD_RESPONSE, `${method}: no result in the answer (HTTP ${res.status})`, { status: res.status });
    return env.data.data ?? null;
  }
}

/** Kuaishou ids: int64 numbers (kept exact by parseJsonSafe as strings) or strings. */
export const KuaishouId = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative().refine(Number.isSafeInteger, 'unsafe integer id')]).transform(String);
