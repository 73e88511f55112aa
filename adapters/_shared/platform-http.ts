import type { z } from 'zod';
import { AdapterError, isRetryableStatus } from '../../src/sdk/errors.js';
import { parseJsonSafe } from '../../src/util/json.js';

/**
 * One HTTP exchange for the platform transports: honours the caller's cancellation, adds a
 * timeout, and turns network failures into retryable AdapterErrors. It returns the body as text
 * so each transport parses it its own way (TOP needs parseJsonSafe for ids beyond 2^53) and maps
 * the platform's error body before falling back to the HTTP status.
 */
export interface HttpExchange {
  status: number;
  headers: Headers;
  text: string;
}

export async function exchange(opts: {
  adapter: string;
  fetch: typeof fetch;
  url: string;
  init: RequestInit;
  signal: AbortSignal;
  timeoutMs: number;
}): Promise<HttpExchange> {
  const signal = AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)]);
  try {
    const res = await opts.fetch(opts.url, { ...opts.init, signal });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text };
  } catch (err) {
    // The workflow cancelled us: propagate the cancellation itself, not a retryable failure.
    if (opts.signal.aborted) throw opts.signal.reason ?? err;
    const timedOut = signal.aborted;
    throw AdapterError.retryable(opts.adapter, timedOut ? 'timeout' : 'network', timedOut ? `no response within ${opts.timeoutMs} ms` : 'network error');
  }
}

/** A form POST, the request shape of the TOP, JD and PDD gateways (the text signed is the text sent). */
export function formPost(params: Record<string, string>): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' }, body: new URLSearchParams(params).toString() };
}

/**
 * A gateway's body as JSON, ids beyond 2^53 kept exact. A body that is not JSON (a gateway's
 * HTML 502 page, a body truncated under a 2xx) fails as an AdapterError naming the call:
 * retryable when the status says so, or when a success status came with a broken body.
 */
export function parseGatewayJson(adapter: string, what: string, res: HttpExchange): unknown {
  try {
    return parseJsonSafe(res.text);
  } catch {
    const retryable = isRetryableStatus(res.status) || (res.status >= 200 && res.status < 300);
    throw new AdapterError(adapter, `http-${res.status}`, `${what}: unparseable response (HTTP ${res.status})`, retryable, { status: res.status, body: bodySnippet(res.text) });
  }
}

/** At most this much of an error body is kept on the error (bodies may carry buyer data). */
export function bodySnippet(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Retry-After in seconds or an HTTP date -> milliseconds, when present and sane. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const v = headers.get('retry-after');
  if (!v) return undefined;
  const s = Number(v);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const d = Date.parse(v);
  return Number.isNaN(d) ? undefined : Math.max(0, d - now);
}

/**
 * Parses with a zod schema or throws a rejected AdapterError naming the first paths. Used for
 * operation inputs (a malformed input never gets better on retry) and platform responses (a
 * shape we do not understand must stop, not be half-read). Values are never put in the message.
 */
export function parseOrReject<S extends z.ZodType>(adapter: string, schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const where = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw AdapterError.rejected(adapter, what.endsWith('input') ? 'invalid-input' : 'unexpected-response', `${what}: ${where}`);
}
