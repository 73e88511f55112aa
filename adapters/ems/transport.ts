import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../../src/logger.js';
import { beforeRequest, type InvokeContext } from '../../src/sdk/define.js';
import { jsonPost, parseOrReject, request, type HttpExchange, type VendorFailure } from '../_shared/platform-http.js';

export const EMS_ADAPTER_ID = 'ems';

/** The hub's EMS contract (see README.md): paths relative to the configured base URL. */
export const EMS_PATH = {
  CREATE: '/waybills/create',
  UPDATE: '/waybills/update',
  CANCEL: '/waybills/cancel',
  TRACKING: '/tracking/query',
} as const;
export type EmsPath = (typeof EMS_PATH)[keyof typeof EMS_PATH];

export const EMS_HEADER = { PARTNER: 'x-zs-partner', TIMESTAMP: 'x-zs-timestamp', SIGNATURE: 'x-zs-signature' } as const;

/** X-Zs-Signature = lowercase hex HMAC-SHA256(secret, timestamp + body), body as the exact bytes sent. */
export function emsSignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(timestamp, 'utf8').update(body, 'utf8').digest('hex');
}

const ErrorBody = z.object({ code: z.string(), message: z.string().optional() });

/** The contract's error body `{code, message}` on a non-2xx: the code names the failure, the status decides the retry. */
function emsFailure(body: unknown, res: HttpExchange): VendorFailure | null {
  if (res.status < 300) return null;
  const e = ErrorBody.safeParse(body);
  return e.success ? { code: e.data.code, message: `HTTP ${res.status} ${e.data.code}${e.data.message ? `: ${e.data.message}` : ''}`, retryable: false } : null;
}

export interface EmsTransportOptions {
  baseUrl: string;
  partnerId: string;
  secret: string;
  timeoutMs: number;
  fetch: typeof fetch;
  logger: Logger;
  now(): Date;
}

export class EmsTransport {
  constructor(private readonly o: EmsTransportOptions) {}

  /** POSTs a signed JSON body; 2xx bodies are parsed with `schema`, other statuses mapped by the contract. */
  async post<T extends z.ZodType>(path: EmsPath, payload: unknown, schema: T, ctx: InvokeContext): Promise<z.output<T>> {
    const signal = await beforeRequest(ctx, path);
    const body = JSON.stringify(payload);
    const timestamp = String(this.o.now().getTime());
    const headers = { [EMS_HEADER.PARTNER]: this.o.partnerId, [EMS_HEADER.TIMESTAMP]: timestamp, [EMS_HEADER.SIGNATURE]: emsSignature(this.o.secret, timestamp, body) };
    const url = this.o.baseUrl.replace(/\/+$/, '') + path;
    const res = await request({ adapter: EMS_ADAPTER_ID, what: path, fetch: this.o.fetch, url, init: jsonPost(body, headers), signal, timeoutMs: this.o.timeoutMs, vendorError: emsFailure });
    this.o.logger.debug({ path, status: res.status }, 'ems call');
    return parseOrReject(EMS_ADAPTER_ID, schema, res.body, `${path} response`);
  }
}
