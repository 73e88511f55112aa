import { z } from 'zod';
import { beforeRequest, type RequestScope } from '../../src/sdk/define.js';
import { AdapterError, isRetryableStatus } from '../../src/sdk/errors.js';
import { bodySnippet, exchange, parseGatewayJson, retryAfterMs } from '../_shared/platform-http.js';
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
    const res = await exchange({
      adapter: ADAPTER_ID,
      fetch: this.o.fetch,
      url,
      init: { method: 'POST', headers: { 'content-type': 'application/json;charset=utf-8', [TIMESTAMP_HEADER]: ts, [SIGNATURE_HEADER]: signErpBody(this.o.callbackSecret, ts, text), [IDEMPOTENCY_HEADER]: idempotencyKey }, body: text },
      signal,
      timeoutMs: this.o.timeoutMs,
    });
    const wait = retryAfterMs(res.headers);
    const details = { status: res.status, body: bodySnippet(res.text), ...(wait === undefined ? {} : { retryAfterMs: wait }) };
    if (res.status < 200 || res.status >= 300) {
      const refused = Answer.safeParse(safeJson(res.text));
      const code = refused.success && refused.data.code ? refused.data.code : `http-${res.status}`;
      throw new AdapterError(ADAPTER_ID, code, `${what}: HTTP ${res.status}${refused.success && refused.data.message ? ` ${refused.data.message}` : ''}`, isRetryableStatus(res.status), details);
    }
    const answer = Answer.safeParse(parseGatewayJson(ADAPTER_ID, what, res));
    if (!answer.success) throw AdapterError.rejected(ADAPTER_ID, 'unexpected-response', `${what}: the shop's answer has no boolean "ok"`, details);
    if (!answer.data.ok) throw new AdapterError(ADAPTER_ID, answer.data.code ?? 'refused', `${what}: ${answer.data.message ?? 'refused by the shop'}`, answer.data.retryable === true, details);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
