import { z } from 'zod';
import { beforeRequest, type RequestScope } from '../../src/sdk/define.js';
import { vendorErrorCode } from '../../src/sdk/error-codes.js';
import { formPost, isBusy, request, TRANSIENT_TEXT, type BusyTable, type VendorFailure } from '../_shared/platform-http.js';
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
export const PDD_BUSY: BusyTable = { codes: new Set(['50000', '50001', '52101', '52102', '52103', '54001', '70031', '70032', '70033']), text: TRANSIENT_TEXT };

export function classifyPddError(e: PddError): { retryable: boolean; code: string } {
  return { retryable: isBusy(PDD_BUSY, e.error_code, [e.error_msg, e.sub_msg].filter((x) => x).join(' ')), code: vendorErrorCode('pdd', e.error_code) };
}

function pddFailure(body: unknown): VendorFailure | null {
  const err = PddErrorBody.safeParse(body);
  if (!err.success) return null;
  const e = err.data.error_response;
  return { ...classifyPddError(e), message: [e.error_code, e.error_msg, e.sub_code, e.sub_msg].filter((x) => x !== undefined && x !== '').join(' / ') };
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
    const res = await request({ adapter: ADAPTER_ID, what: type, fetch: this.o.fetch, url: this.o.baseUrl, init: formPost(params), signal, timeoutMs: this.o.timeoutMs, vendorError: pddFailure });
    return res.body;
  }
}
