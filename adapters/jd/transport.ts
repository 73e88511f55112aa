import { z } from 'zod';
import { beforeRequest, type RequestScope } from '../../src/sdk/define.js';
import { ERROR_CODE, vendorErrorCode } from '../../src/sdk/error-codes.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { formPost, isBusy, request, transientText, type BusyTable, type VendorFailure } from '../_shared/platform-http.js';
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
export const JD_BUSY: BusyTable = { codes: new Set(['66', '67']), text: transientText('不可用', 'unavailable') };

function jdFailure(body: unknown): VendorFailure | null {
  const err = JdErrorBody.safeParse(body);
  if (!err.success) return null;
  const e = err.data.error_response;
  return { code: vendorErrorCode('jd', e.code), message: [e.code, e.en_desc, e.zh_desc].filter((x) => x).join(' / '), retryable: isBusy(JD_BUSY, e.code, `${e.zh_desc ?? ''} ${e.en_desc ?? ''}`) };
}

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
    const { body } = await request({ adapter: ADAPTER_ID, what: method, fetch: this.o.fetch, url: this.o.baseUrl, init: formPost(params), signal, timeoutMs: this.o.timeoutMs, vendorError: jdFailure });
    const [responce, response] = jdResponseKeys(method);
    const wrapped = z.union([z.looseObject({ [responce]: z.unknown() }), z.looseObject({ [response]: z.unknown() })]).safeParse(body);
    const inner = wrapped.success ? (wrapped.data[responce] ?? wrapped.data[response]) : undefined;
    if (inner === undefined) throw AdapterError.rejected(ADAPTER_ID, ERROR_CODE.BAD_RESPONSE, `${method}: no ${responce} in the response`);
    return inner;
  }
}

/** A business result inside the wrapper: {success, chineseErr, englishErr}. */
export function jdBusinessFailure(method: string, r: { success?: boolean; chineseErr?: string; englishErr?: string; code?: string }): AdapterError | null {
  if (r.success !== false) return null;
  const text = `${r.englishErr ?? ''} ${r.chineseErr ?? ''}`.trim();
  return new AdapterError(ADAPTER_ID, vendorErrorCode('jd_business', r.code), `${method}: ${text || 'success=false'}`, isBusy(JD_BUSY, undefined, text));
}
