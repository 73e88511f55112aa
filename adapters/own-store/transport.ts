import { z } from 'zod';
import { beforeRequest, type RequestScope } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { ERROR_CODE } from '../../src/sdk/error-codes.js';
import { bodySnippet, request } from '../_shared/platform-http.js';
import { signErpBody } from '../legacy-erp/signature.js';
import { ADAPTER_ID, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './constants.js';

export { ADAPTER_ID };

/**
 * What the shop answers a callback (the contract in docs/wire-formats/own-store.md): 2xx with
 * `{"ok": true}`, or `{"ok": false, "code", "message", "retryable"?}`. A 2xx saying ok:false is
 * a refusal unless it says retryable; 429 and 5xx are retryable; other 4xx are refusals.
 */
const Answer = z.looseObject({ ok: z.boolean(), code: z.string().optional(), message: z.string().optional(), retryable: z.boolean().optional() });

export interface OwnStoreTransportOptions {
  callbackSecret: string;
  timeoutMs: number;
  fetch: typeof fetch;
  now(): Date;
}

export class OwnStoreTransport {
  constructor(private readonly o: OwnStoreTransportOptions) {}

  /** POSTs `body` as JSON to the shop's `url`, signed, with the caller's idempotency key. */
  async post(what: string, url: string, body: unknown, scope: RequestScope | AbortSignal, idempotencyKey: string): Promise<void> {
    const signal = await beforeRequest(scope, what);
    const text = JSON.stringify(body);
    const ts = String(Math.floor(this.o.now().getTime() / 1000));
    const res = await request({
      adapter: ADAPTER_ID,
      what,
      fetch: this.o.fetch,
      url,
      init: { method: 'POST', headers: { 'content-type': 'application/json;charset=utf-8', [TIMESTAMP_HEADER]: ts, [SIGNATURE_HEADER]: signErpBody(this.o.callbackSecret, ts, text), [IDEMPOTENCY_HEADER]: idempotencyKey }, body: text },
      signal,
      timeoutMs: this.o.timeoutMs,
      // A refusal body under a non-2xx status names its code; retryable then follows the status.
      vendorError: (b, r) => {
        const refused = Answer.safeParse(b);
        if (r.status >= 200 && r.status < 300) return null;
        return refused.success && refused.data.code ? { code: refused.data.code, message: `HTTP ${r.status}${refused.data.message ? ` ${refused.data.message}` : ''}`, retryable: false } : null;
      },
    });
    const details = { status: res.status, body: bodySnippet(res.text) };
    const answer = Answer.safeParse(res.body);
    if (!answer.success) throw AdapterError.rejected(ADAPTER_ID, ERROR_CODE.BAD_RESPONSE, `${what}: the shop's answer has no boolean "ok"`, details);
    if (!answer.data.ok) throw new AdapterError(ADAPTER_ID, answer.data.code ?? 'refused', `${what}: ${answer.data.message ?? 'refused by the shop'}`, answer.data.retryable === true, details);
  }
}
