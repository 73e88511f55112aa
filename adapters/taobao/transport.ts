import { z } from 'zod';
import { vendorErrorCode } from '../../src/sdk/error-codes.js';
import { beforeRequest, type RequestScope } from '../../src/sdk/define.js';
import { formPost, request, type VendorFailure } from '../_shared/platform-http.js';
import { ADAPTER_ID, type TopSignMethod } from './constants.js';
import { formatGmt8, hmacHex, md5Hex, sortedKeyValues, withoutEmpty } from '../_shared/signing.js';

export { ADAPTER_ID };

/**
 * TOP request signature: s = k1v1k2v2... over every parameter but `sign`, sorted by key;
 * md5 = MD5(secret + s + secret), hmac = HMAC-MD5(secret, s), hmac-sha256 = HMAC-SHA256(secret, s),
 * all as uppercase hex. (Source: bububa/opentaobao core/client.go; mzzya/tbsdk.)
 */
export function signTop(params: Readonly<Record<string, string>>, secret: string, method: TopSignMethod): string {
  const s = sortedKeyValues(params);
  const hex = method === 'md5' ? md5Hex(secret + s + secret) : hmacHex(method === 'hmac' ? 'md5' : 'sha256', secret, s);
  return hex.toUpperCase();
}

const TopErrorBody = z.object({
  error_response: z.looseObject({
    code: z.union([z.number(), z.string()]).optional(),
    msg: z.string().optional(),
    sub_code: z.string().optional(),
    sub_msg: z.string().optional(),
    request_id: z.string().optional(),
  }),
});
export type TopError = z.output<typeof TopErrorBody>['error_response'];

/**
 * Top-level TOP codes that are transient (from TOP's platform error-code table):
 * 4 User Call Limited, 5 Session Call Limited, 6 Partner Call Limited, 7 App Call Limited,
 * 8 App Call Exceeds Limited Frequency (all rate limits), 10 Service Currently Unavailable.
 * Everything else at top level is the caller's fault and retrying cannot fix it: 11-13
 * permissions, 21-23 method/format, 24/25 signature, 26/27 session (reauthorise the shop),
 * 28/29 app key, 30/31 timestamp, 32-34 version, 40/41/43 arguments, 42 forbidden.
 * sub_code decides first when present (code 15 "Remote Service Error" carries it):
 *   isp.*            the platform's own failure (timeouts, remote service errors): retryable
 *   accesscontrol.*  per-app/api call quotas (limited-by-app-access-count, ...): retryable
 *   isv.*            the request is wrong for this trade (not found, bad status, ...): rejected
 * UNVERIFIED beyond the documented prefixes: any unlisted sub_code is rejected so an unknown
 * business error does not loop through retries.
 */
export const TOP_RETRYABLE_CODES: ReadonlySet<string> = new Set(['4', '5', '6', '7', '8', '10']);

export function classifyTopError(e: TopError): { retryable: boolean; code: string } {
  const sub = e.sub_code ?? '';
  const code = e.code === undefined ? '' : String(e.code);
  if (sub.startsWith('isp.') || sub.startsWith('accesscontrol.')) return { retryable: true, code: sub };
  if (sub.startsWith('isv.')) return { retryable: false, code: sub };
  if (sub) return { retryable: false, code: sub };
  return { retryable: TOP_RETRYABLE_CODES.has(code), code: vendorErrorCode('top', code) };
}

function topFailure(body: unknown): VendorFailure | null {
  const err = TopErrorBody.safeParse(body);
  if (!err.success) return null;
  const e = err.data.error_response;
  // msg/sub_msg describe the error, not the buyer; the body itself is not logged.
  return { ...classifyTopError(e), message: [e.code, e.msg, e.sub_code, e.sub_msg].filter((x) => x !== undefined && x !== '').join(' / ') };
}

export interface TopTransportOptions {
  appKey: string;
  appSecret: string;
  session: string;
  signMethod: TopSignMethod;
  baseUrl: string;
  timeoutMs: number;
  fetch: typeof fetch;
  now(): Date;
}

/** The response key TOP wraps a result in: `taobao.trade.fullinfo.get` -> `trade_fullinfo_get_response`. */
export function topResponseKey(method: string): string {
  return `${method.replace(/^taobao\./, '').replaceAll('.', '_')}_response`;
}

export class TopTransport {
  constructor(private readonly o: TopTransportOptions) {}

  /**
   * Calls one TOP method and returns the parsed body. Bodies are parsed with parseJsonSafe:
   * tid/oid exceed 2^53 and JSON.parse would round them to another order's id.
   */
  async call(method: string, apiParams: Readonly<Record<string, string | undefined>>, scope: RequestScope | AbortSignal): Promise<unknown> {
    // One token of the shared rate limit per request, before it is signed (timestamps stay fresh).
    const signal = await beforeRequest(scope, method);
    const params = withoutEmpty({
      ...apiParams,
      method,
      app_key: this.o.appKey,
      session: this.o.session,
      timestamp: formatGmt8(this.o.now()),
      format: 'json',
      v: '2.0',
      sign_method: this.o.signMethod,
    });
    params['sign'] = signTop(params, this.o.appSecret, this.o.signMethod);
    const res = await request({ adapter: ADAPTER_ID, what: method, fetch: this.o.fetch, url: this.o.baseUrl, init: formPost(params), signal, timeoutMs: this.o.timeoutMs, vendorError: topFailure });
    return res.body;
  }
}

/** An id as exact text: strings as sent, numbers only when safe (parseJsonSafe quoted the rest). */
export const TopId = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative().refine(Number.isSafeInteger, 'unsafe integer id')]).transform(String);
