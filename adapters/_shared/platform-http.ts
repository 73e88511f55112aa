import type { z } from 'zod';
import { ERROR_CODE, httpErrorCode } from '../../src/sdk/error-codes.js';
import { AdapterError, isRetryableStatus } from '../../src/sdk/errors.js';
import { parseJsonSafe } from '../../src/util/json.js';

/**
 * The one HTTP exchange every adapter transport sends through. It classifies each failure the
 * same way for all of them: caller cancelled (the cancellation itself propagates), timeout and
 * network (retryable), the system's own error body (read by the adapter's `vendorError`, its
 * table of busy codes deciding), then the HTTP status (429/5xx retryable, Retry-After kept), and
 * a body that is not what a success should be (retryable under 2xx: a proxy page). What is left
 * for a transport is signing its request and reading its envelope.
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
  /** The API or method, for messages; never the URL (robots carry their key in it). */
  what?: string;
}): Promise<HttpExchange> {
  // The timeout signal is held here until the answer: AbortSignal.any keeps its sources only
  // weakly, and a collected timeout signal never fires (seen as a call that outlived its timeout).
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = AbortSignal.any([opts.signal, timeout]);
  try {
    const res = await opts.fetch(opts.url, { ...opts.init, signal });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text };
  } catch (err) {
    // The workflow cancelled us: propagate the cancellation itself, not a retryable failure.
    if (opts.signal.aborted) throw opts.signal.reason ?? err;
    const prefix = opts.what ? `${opts.what}: ` : '';
    if (timeout.aborted) throw AdapterError.retryable(opts.adapter, ERROR_CODE.TIMEOUT, `${prefix}no response within ${opts.timeoutMs} ms`);
    throw AdapterError.retryable(opts.adapter, ERROR_CODE.NETWORK, `${prefix}network error${err instanceof Error ? ` (${err.message})` : ''}`);
  }
}

/** What a system's error body says, as its adapter reads it. `retryable` comes from the adapter's busy table. */
export interface VendorFailure {
  code: string;
  message: string;
  retryable: boolean;
  retryAfterMs?: number | undefined;
}

/** A system's "try later" codes and words (rate limit, busy, maintenance): its table, kept beside its transport. */
export interface BusyTable {
  codes: ReadonlySet<string>;
  text: RegExp;
}

/** Words the Chinese gateways use for "later": rate limited, too frequent, busy, timed out, retry later. */
export const TRANSIENT_TEXT = /限流|频繁|繁忙|超时|稍后重试|rate.?limit|too many|busy|timeout/i;

/** TRANSIENT_TEXT and a system's own extra words. */
export function transientText(...extra: string[]): RegExp {
  return new RegExp([TRANSIENT_TEXT.source, ...extra].join('|'), 'i');
}

export function isBusy(table: BusyTable, code: string | number | undefined, text: string): boolean {
  return (code !== undefined && table.codes.has(String(code))) || table.text.test(text);
}

export interface HttpCall {
  adapter: string;
  /** The API or method called, the start of every message. */
  what: string;
  fetch: typeof fetch;
  url: string;
  init: RequestInit;
  signal: AbortSignal;
  timeoutMs: number;
  /** How the body is read; default JSON with integers beyond 2^53 kept exact (as strings). */
  parse?: (text: string) => unknown;
  /** An empty body reads as null (REST answers with 204 or an empty 200); otherwise it is unparseable. */
  emptyIsNull?: boolean;
  /** The system's error envelope, or null when the body is not one; its retryable is OR-ed with the status's. */
  vendorError?: (body: unknown, res: HttpExchange) => VendorFailure | null;
}

export interface HttpResult extends HttpExchange {
  body: unknown;
}

const UNPARSEABLE = Symbol('unparseable');

/** One request, every failure an AdapterError with `retryable` decided; the parsed body otherwise. */
export async function request(call: HttpCall): Promise<HttpResult> {
  const res = await exchange(call);
  const ok = res.status >= 200 && res.status < 300;
  const body = readBody(call, res.text);
  if (body !== UNPARSEABLE) {
    const v = call.vendorError?.(body, res);
    if (v) {
      const retryAfter = v.retryAfterMs ?? retryAfterMs(res.headers);
      throw new AdapterError(call.adapter, v.code, `${call.what}: ${v.message}`, v.retryable || isRetryableStatus(res.status), { status: res.status, ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }) });
    }
  }
  if (!ok) throw statusFailure(call.adapter, call.what, res);
  // A success status with a broken body is most often a proxy or maintenance page: worth another attempt.
  if (body === UNPARSEABLE) throw AdapterError.retryable(call.adapter, ERROR_CODE.BAD_RESPONSE, `${call.what}: unparseable response (HTTP ${res.status})`, { status: res.status, body: bodySnippet(res.text) });
  return { ...res, body };
}

function readBody(call: HttpCall, text: string): unknown {
  if (text === '' && call.emptyIsNull) return null;
  try {
    return (call.parse ?? parseJsonSafe)(text);
  } catch {
    return UNPARSEABLE;
  }
}

/** A non-2xx answer without a body the system explains: `http_<status>`, retryable for 408/425/429/5xx, Retry-After kept. */
export function statusFailure(adapter: string, what: string, res: HttpExchange, detail = ''): AdapterError {
  const retryAfter = retryAfterMs(res.headers);
  return new AdapterError(adapter, httpErrorCode(res.status), `${what}: HTTP ${res.status}${detail ? ` ${detail}` : ''}`, isRetryableStatus(res.status), {
    status: res.status,
    ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    ...(detail ? {} : { body: bodySnippet(res.text) }),
  });
}

/** A form POST, the request shape of the TOP, JD and PDD gateways (the text signed is the text sent). */
export function formPost(params: Record<string, string>): RequestInit {
  return formBody(new URLSearchParams(params).toString());
}

/** A form POST of a body already encoded (a signature over the encoded text must not be encoded again). */
export function formBody(body: string): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' }, body };
}

/** A JSON POST of text already serialised (the text signed is the text sent). */
export function jsonPost(body: string, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body };
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

/** Issue paths and messages only: never the values, which may be buyer data. */
export function describeIssues(err: z.ZodError, max = 3): string {
  return err.issues
    .slice(0, max)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * Parses with a zod schema or throws a rejected AdapterError naming the first paths. Used for
 * operation inputs (a malformed input never gets better on retry) and platform responses (a
 * shape we do not understand must stop, not be half-read). Values are never put in the message.
 */
export function parseOrReject<S extends z.ZodType>(adapter: string, schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw AdapterError.rejected(adapter, what.endsWith('input') ? ERROR_CODE.INVALID_INPUT : ERROR_CODE.BAD_RESPONSE, `${what}: ${describeIssues(r.error)}`);
}
