import { z } from 'zod';
import { beforeRequest, type RequestScope } from '../../src/sdk/define.js';
import { AdapterError, isRetryableStatus } from '../../src/sdk/errors.js';
import { bodySnippet, exchange, formPost, parseGatewayJson } from '../_shared/platform-http.js';
import { md5Hex, sortedKeyValues, unixSeconds, withoutEmpty } from '../_shared/signing.js';
import { ADAPTER_ID } from './constants.js';

export { ADAPTER_ID };

/**
 * PDD request signature: upper(MD5(secret + k1v1k2v2... + secret)) over every form parameter
 * but `sign`, sorted by key. Source: lywzx/pdd-node-sdk; dtapps/go-library service/pinduoduo.
 */
export function signPdd(params: Readonly<Record<string, string>>, secret: string): string {
  return md5Hex(secret + sortedKeyValues(params) + secret).toUpperCase();
}

const PddErrorBody = z.object({
  error_response: z.looseObject({
    error_code: z.coerce.number().optional(),
    error_msg: z.string().optional(),
    sub_code: z.union([z.string(), z.number()]).transform(String).optional(),
    sub_msg: z.string().optional(),
    request_id: z.string().optional(),
  }),
});
export type PddError = z.output<typeof PddErrorBody>['error_response'];

/**
 * PDD error codes treated as transient (UNVERIFIED: from open-source SDKs and integrations, not
 * an official table): 50000/50001 system error, 52101-52103 service busy / overloaded, 54001
 * overload protection, 70031 called too often, 70032 this API is rate-limited for you, 70033
 * temporarily offline for maintenance. Also any message saying rate limit / busy / timeout.
 * Everything else (10000 parameters, 10019 token expired, 20004 signature, 20031 no permission,
 * business refusals) is rejected, so an unknown code is never retried in a loop.
 */
export const PDD_RETRYABLE_CODES: ReadonlySet<number> = new Set([50000, 50001, 52101, 52102, 52103, 54001, 70031, 70032, 70033]);
const TRANSIENT_TEXT = /限流|频繁|繁忙|超时|稍后重试|rate.?limit|too many|busy|timeout/i;

export function classifyPddError(e: PddError): { retryable: boolean; code: string } {
  const code = e.error_code === undefined ? 'pdd-error' : `pdd-${e.error_code}`;
  const text = [e.error_msg, e.sub_msg].filter((x) => x).join(' ');
  return { retryable: (e.error_code !== undefined && PDD_RETRYABLE_CODES.has(e.error_code)) || TRANSIENT_TEXT.test(text), code };
}

export interface PddTransportOptions {
  clientId: string;
  clientSecret: string;
  accessToken: string;
  baseUrl: string;
  timeoutMs: number;
  fetch: typeof fetch;
  now(): Date;
}

export class PddTransport {
  constructor(private readonly o: PddTransportOptions) {}

  /** Calls one `type` (method) on api/router; returns the parsed body. */
  async call(type: string, apiParams: Readonly<Record<string, string | undefined>>, scope: RequestScope | AbortSignal): Promise<unknown> {
    // One token of the shared rate limit per request, before it is signed (timestamps stay fresh).
    const signal = await beforeRequest(scope, type);
    const params = withoutEmpty({
      ...apiParams,
      type,
      client_id: this.o.clientId,
      access_token: this.o.accessToken,
      timestamp: String(unixSeconds(this.o.now())),
      data_type: 'JSON',
    });
    params['sign'] = signPdd(params, this.o.clientSecret);
    const res = await exchange({
      adapter: ADAPTER_ID,
      fetch: this.o.fetch,
      url: this.o.baseUrl,
      init: formPost(params),
      signal,
      timeoutMs: this.o.timeoutMs,
    });
    const body = parseGatewayJson(ADAPTER_ID, type, res);
    const err = PddErrorBody.safeParse(body);
    if (err.success) {
      const e = err.data.error_response;
      const c = classifyPddError(e);
      const text = `${type}: ${[e.error_code, e.error_msg, e.sub_code, e.sub_msg].filter((x) => x !== undefined && x !== '').join(' / ')}`;
      throw new AdapterError(ADAPTER_ID, c.code, text, c.retryable || isRetryableStatus(res.status), { status: res.status });
    }
    if (res.status < 200 || res.status >= 300) {
      throw new AdapterError(ADAPTER_ID, `http-${res.status}`, `${type}: HTTP ${res.status}`, isRetryableStatus(res.status), { status: res.status, body: bodySnippet(res.text) });
    }
    return body;
  }
}
