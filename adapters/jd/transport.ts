import { z } from 'zod';
import { beforeRequest, type RequestScope } from '../../src/sdk/define.js';
import { AdapterError, isRetryableStatus } from '../../src/sdk/errors.js';
import { bodySnippet, exchange, formPost, parseGatewayJson } from '../_shared/platform-http.js';
import { formatGmt8, md5Hex, sortedKeyValues } from '../_shared/signing.js';
import { ADAPTER_ID } from './constants.js';

export { ADAPTER_ID };

/** JOS signature: upper(MD5(secret + k1v1k2v2... + secret)) over the system params and 360buy_param_json. */
export function signJd(params: Readonly<Record<string, string>>, secret: string): string {
  return md5Hex(secret + sortedKeyValues(params) + secret).toUpperCase();
}

/**
 * JOS wraps a result in the method name with dots as underscores plus `_responce` (sic);
 * `_response` is accepted too (UNVERIFIED which spelling each gateway version uses).
 */
export function jdResponseKeys(method: string): [string, string] {
  const base = method.replaceAll('.', '_');
  return [`${base}_responce`, `${base}_response`];
}

const JdErrorBody = z.object({
  error_response: z.looseObject({ code: z.union([z.string(), z.number()]).transform(String).optional(), zh_desc: z.string().optional(), en_desc: z.string().optional() }),
});

/**
 * JOS gateway codes treated as transient (UNVERIFIED: JOS publishes its table only behind a
 * login): 66 backend timeout, 67 backend unavailable; plus any description saying busy /
 * timeout / limited (繁忙, 超时, 限流, 频繁). Token (19), signature, parameter and permission
 * errors are rejected; an unknown code is rejected rather than retried in a loop.
 */
export const JD_RETRYABLE_CODES: ReadonlySet<string> = new Set(['66', '67']);
export const TRANSIENT_TEXT = /限流|频繁|繁忙|超时|稍后重试|不可用|rate.?limit|too many|busy|timeout|unavailable/i;

export interface JdTransportOptions {
  appKey: string;
  appSecret: string;
  accessToken: string;
  baseUrl: string;
  timeoutMs: number;
  fetch: typeof fetch;
  now(): Date;
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export class JdTransport {
  constructor(private readonly o: JdTransportOptions) {}

  /** POSTs to routerjson; returns the `<method>_responce` object. */
  async call(method: string, business: { [k: string]: Json }, scope: RequestScope | AbortSignal): Promise<unknown> {
    // One token of the shared rate limit per request, before it is signed (timestamps stay fresh).
    const signal = await beforeRequest(scope, method);
    const params: Record<string, string> = {
      method,
      app_key: this.o.appKey,
      access_token: this.o.accessToken,
      timestamp: formatGmt8(this.o.now()),
      v: '2.0',
      // The exact text signed is the text sent: serialised once.
      '360buy_param_json': JSON.stringify(business),
    };
    params['sign'] = signJd(params, this.o.appSecret);
    const res = await exchange({
      adapter: ADAPTER_ID,
      fetch: this.o.fetch,
      url: this.o.baseUrl,
      init: formPost(params),
      signal,
      timeoutMs: this.o.timeoutMs,
    });
    const body = parseGatewayJson(ADAPTER_ID, method, res);
    const err = JdErrorBody.safeParse(body);
    if (err.success) {
      const e = err.data.error_response;
      const retryable = (e.code !== undefined && JD_RETRYABLE_CODES.has(e.code)) || TRANSIENT_TEXT.test(`${e.zh_desc ?? ''} ${e.en_desc ?? ''}`) || isRetryableStatus(res.status);
      throw new AdapterError(ADAPTER_ID, `jd-${e.code ?? 'error'}`, `${method}: ${[e.code, e.en_desc, e.zh_desc].filter((x) => x).join(' / ')}`, retryable, { status: res.status });
    }
    if (res.status < 200 || res.status >= 300) {
      throw new AdapterError(ADAPTER_ID, `http-${res.status}`, `${method}: HTTP ${res.status}`, isRetryableStatus(res.status), { status: res.status, body: bodySnippet(res.text) });
    }
    const [responce, response] = jdResponseKeys(method);
    const wrapped = z.union([z.looseObject({ [responce]: z.unknown() }), z.looseObject({ [response]: z.unknown() })]).safeParse(body);
    const inner = wrapped.success ? (wrapped.data[responce] ?? wrapped.data[response]) : undefined;
    if (inner === undefined) throw AdapterError.rejected(ADAPTER_ID, 'unexpected-response', `${method}: no ${responce} in the response`);
    return inner;
  }
}

/** A business result inside the wrapper: {success, chineseErr, englishErr}. */
export function jdBusinessFailure(method: string, r: { success?: boolean; chineseErr?: string; englishErr?: string; code?: string }): AdapterError | null {
  if (r.success !== false) return null;
  const text = `${r.englishErr ?? ''} ${r.chineseErr ?? ''}`.trim();
  return new AdapterError(ADAPTER_ID, `jd-business-${r.code ?? 'error'}`, `${method}: ${text || 'success=false'}`, TRANSIENT_TEXT.test(text));
}
