import { z } from 'zod';
import { beforeRequest, type RequestScope } from '../../src/sdk/define.js';
import { ERROR_CODE, vendorErrorCode } from '../../src/sdk/error-codes.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { isBusy, jsonPost, request, TRANSIENT_TEXT, type BusyTable, type VendorFailure } from '../_shared/platform-http.js';
import { hmacHex, unixSeconds } from '../_shared/signing.js';
import { ADAPTER_ID } from './constants.js';

export { ADAPTER_ID };

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** JSON with object keys sorted at every level and no whitespace: the text Douyin signs. */
export function canonicalParamJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalParamJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalParamJson(value[k] ?? null)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Douyin shop API signature (sign_method=hmac-sha256):
 * hex(HMAC-SHA256(secret, secret + "app_key"+k + "method"+m + "param_json"+json + "timestamp"+ts + "v2" + secret)).
 * Source: zsmhub/doudian-sdk; minibear2021/doudian doudian/core.py.
 */
export function signDouyin(a: { appKey: string; appSecret: string; method: string; paramJson: string; timestamp: string }): string {
  const s = `${a.appSecret}app_key${a.appKey}method${a.method}param_json${a.paramJson}timestamp${a.timestamp}v2${a.appSecret}`;
  return hmacHex('sha256', a.appSecret, s);
}

const Envelope = z.looseObject({
  err_no: z.number().optional(),
  code: z.number().optional(),
  message: z.string().optional(),
  msg: z.string().optional(),
  sub_code: z.string().optional(),
  sub_msg: z.string().optional(),
  log_id: z.string().optional(),
  data: z.unknown().optional(),
});
type Envelope = z.output<typeof Envelope>;

/**
 * Douyin answers HTTP 200 with `code` 10000 (and legacy `err_no` 0) on success.
 * Retryable (UNVERIFIED beyond the first line; chosen so that an unknown code is NOT retried):
 *   code 20000 "service unavailable", sub_code isp.* (the platform's own failure),
 *   and any message saying rate limit / busy / timeout (限流, 频繁, 繁忙, 超时, 稍后重试).
 * Everything else (30001/30002 authorisation, 4xxxx parameters, 50002 business refusal,
 * sub_code isv.*) is rejected.
 */
export const DOUYIN_BUSY: BusyTable = { codes: new Set(['20000']), text: TRANSIENT_TEXT };

export function classifyDouyinError(e: Envelope): { failed: boolean; retryable: boolean; code: string } {
  const codeFailed = e.code !== undefined && e.code !== 10000;
  const errNoFailed = e.err_no !== undefined && e.err_no !== 0;
  if (!codeFailed && !errNoFailed) return { failed: false, retryable: false, code: '' };
  const sub = e.sub_code ?? '';
  const code = sub || vendorErrorCode('douyin', e.code ?? e.err_no);
  if (sub.startsWith('isv.')) return { failed: true, retryable: false, code };
  const text = [e.message, e.msg, e.sub_msg].filter((x) => x).join(' ');
  return { failed: true, retryable: sub.startsWith('isp.') || isBusy(DOUYIN_BUSY, e.code, text), code };
}

function douyinFailure(body: unknown): VendorFailure | null {
  const env = Envelope.safeParse(body);
  if (!env.success) return null;
  const { failed, ...c } = classifyDouyinError(env.data);
  if (!failed) return null;
  const e = env.data;
  return { ...c, message: [e.code ?? e.err_no, e.msg ?? e.message, e.sub_code, e.sub_msg].filter((x) => x !== undefined && x !== '').join(' / ') };
}

export interface DouyinTransportOptions {
  appKey: string;
  appSecret: string;
  accessToken: string;
  baseUrl: string;
  timeoutMs: number;
  fetch: typeof fetch;
  now(): Date;
}

export class DouyinTransport {
  constructor(private readonly o: DouyinTransportOptions) {}

  /** Calls `method` (e.g. `order.searchList`, posted to /order/searchList) and returns `data`. */
  async call(method: string, params: { [k: string]: Json }, scope: RequestScope | AbortSignal): Promise<unknown> {
    // One token of the shared rate limit per request, before it is signed (timestamps stay fresh).
    const signal = await beforeRequest(scope, method);
    const paramJson = canonicalParamJson(params);
    const timestamp = String(unixSeconds(this.o.now()));
    const sign = signDouyin({ appKey: this.o.appKey, appSecret: this.o.appSecret, method, paramJson, timestamp });
    const q = new URLSearchParams({ app_key: this.o.appKey, method, v: '2', timestamp, sign_method: 'hmac-sha256', sign, access_token: this.o.accessToken });
    const url = `${this.o.baseUrl.replace(/\/$/, '')}/${method.replaceAll('.', '/')}?${q.toString()}`;
    const { body } = await request({ adapter: ADAPTER_ID, what: method, fetch: this.o.fetch, url, init: jsonPost(paramJson), signal, timeoutMs: this.o.timeoutMs, vendorError: douyinFailure });
    const env = Envelope.safeParse(body);
    if (!env.success) throw AdapterError.rejected(ADAPTER_ID, ERROR_CODE.BAD_RESPONSE, `${method}: the answer is not Douyin's envelope`);
    return env.data.data ?? null;
  }
}

/** Douyin ids: strings, or numbers only when exact (parseJsonSafe quoted the unsafe ones). */
export const DouyinId = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative().refine(Number.isSafeInteger, 'unsafe integer id')]).transform(String);
