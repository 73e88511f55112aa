import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { jsonPost, request, type VendorFailure } from '../../adapters/_shared/platform-http.js';
import { beforeRequest, type RequestScope } from '../../src/sdk/define.js';

export const ADAPTER_ID = 'acme-wms';

/** X-Acme-Signature: hex HMAC-SHA256(apiKey, timestamp + "\n" + body). */
export function acmeSignature(apiKey: string, timestamp: string, body: string): string {
  return createHmac('sha256', apiKey).update(`${timestamp}\n${body}`).digest('hex');
}

/** Acme's error body. Its codes are all refusals; "try later" comes as 429/5xx, which the exchange retries. */
const ErrorReply = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export interface AcmeTransportOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  fetch: typeof fetch;
  now(): Date;
}

/** Signs each request and sends it through the shared exchange, which classifies every failure. */
export class AcmeTransport {
  constructor(private readonly o: AcmeTransportOptions) {}

  async post(path: string, body: unknown, scope: RequestScope, idempotencyKey: string): Promise<unknown> {
    // One token of the hub's rate limits for this request, named by the API (its quota's key).
    const signal = await beforeRequest(scope, path);
    const text = JSON.stringify(body);
    const ts = this.o.now().toISOString();
    const res = await request({
      adapter: ADAPTER_ID,
      what: path,
      fetch: this.o.fetch,
      url: `${this.o.baseUrl}${path}`,
      init: jsonPost(text, { 'x-acme-timestamp': ts, 'x-acme-signature': acmeSignature(this.o.apiKey, ts, text), 'idempotency-key': idempotencyKey }),
      signal,
      timeoutMs: this.o.timeoutMs,
      vendorError: (b): VendorFailure | null => {
        const e = ErrorReply.safeParse(b);
        return e.success ? { code: e.data.error.code, message: e.data.error.message, retryable: false } : null;
      },
    });
    return res.body;
  }
}
