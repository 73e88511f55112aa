import { z } from 'zod';
import { AdapterError, isRetryableStatus } from '../../src/sdk/errors.js';
import { beforeRequest, type RequestScope } from '../../src/sdk/define.js';
import { parseJsonSafe } from '../../src/util/json.js';
import { WDT_EDITION, type WdtConfig } from './config.js';
import { signEnterprise, signUltimate, splitUltimateSecret, ultimateTimestamp } from './sign.js';

export const ADAPTER_ID = 'wangdiantong';

/**
 * Business codes treated as transient (retry later) rather than rejected.
 *
 * Ultimate edition (documented in its 错误码说明 page): 4 and 5 "数据库错误" are server-side
 * faults. Code 100 is the generic application error and is transient only when its message is
 * the documented rate or concurrency limit ("超过每分钟最大调用频率限制" / "...并发次数限制").
 * Everything else (1 bad sign/params/auth, 2 bad field, 6 IP not allowed, 7 clock skew, 100 bad
 * data...) needs a person or a code change: rejected.
 *
 * Enterprise edition: no public code table was found. Only the rate/concurrency/busy messages
 * are treated as transient by default; a connector may add codes with `transientCodes` (an
 * open-source client retries 1012, 1013, 1020, 1030, 1040, 1200, 1610, meanings unknown).
 */
export const TRANSIENT_CODES: Readonly<Record<WdtConfig['edition'], readonly number[]>> = {
  enterprise: [],
  ultimate: [4, 5],
};
const TRANSIENT_MESSAGE = /频率|并发|繁忙|稍后重试|请稍后/;
const RATE_LIMIT_RETRY_MS = 60_000;

const EnterpriseEnvelope = z.object({ code: z.union([z.number(), z.string()]), message: z.string().nullish() }).passthrough();
const UltimateEnvelope = z.object({ status: z.union([z.number(), z.string()]), message: z.string().nullish() }).passthrough();

export interface Pager {
  pageSize: number;
  pageNo: number;
  calcTotal?: boolean;
}

export interface WdtDeps {
  fetch: typeof fetch;
  now(): Date;
}

/**
 * Signs and sends one WDT call, honouring the caller's AbortSignal plus a per-call timeout, and
 * turns every failure into an AdapterError: HTTP 408/425/429/5xx, timeouts and network errors are
 * retryable; business codes are classified above. Bodies are parsed keeping ids beyond 2^53 exact.
 */
export class WdtTransport {
  constructor(
    private readonly config: WdtConfig,
    private readonly deps: WdtDeps,
  ) {}

  get edition() {
    return this.config.edition;
  }

  /** Enterprise: form POST to `{baseUrl}/{file}`; business params already JSON-encoded strings. */
  async enterprise(file: string, business: Readonly<Record<string, string>>, scope: RequestScope | AbortSignal): Promise<Record<string, unknown>> {
    // Every request spends its own rate-limit token (stock.query makes one per SKU and page).
    const signal = await beforeRequest(scope, file);
    const c = this.config;
    const params: Record<string, string> = { ...business, sid: c.sid, appkey: c.appkey, timestamp: String(Math.floor(this.deps.now().getTime() / 1000)) };
    params['sign'] = signEnterprise(params, c.appsecret, c.signLength);
    const url = `${c.baseUrl.replace(/\/+$/, '')}/${file}`;
    const body = await this.send(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' }, body: new URLSearchParams(params).toString() }, signal, file);
    const env = EnterpriseEnvelope.safeParse(body);
    if (!env.success) throw AdapterError.retryable(ADAPTER_ID, 'bad_envelope', `${file}: response has no code`, { body: snippet(body) });
    this.check(env.data.code, env.data.message ?? '', file);
    return env.data;
  }

  /** Ultimate: POST `{baseUrl}?method=...&sign=...` with the positional args as a JSON array body. */
  async ultimate(method: string, args: readonly unknown[], scope: RequestScope | AbortSignal, pager?: Pager): Promise<Record<string, unknown>> {
    const signal = await beforeRequest(scope, method);
    const c = this.config;
    const { secret, salt } = splitUltimateSecret(c.appsecret);
    const json = JSON.stringify(args);
    const query: Record<string, string> = { sid: c.sid, key: c.appkey, salt, method, timestamp: String(ultimateTimestamp(this.deps.now())), v: '1.0' };
    if (pager) {
      query['page_size'] = String(pager.pageSize);
      query['page_no'] = String(pager.pageNo);
      if (pager.calcTotal) query['calc_total'] = '1';
    }
    query['sign'] = signUltimate({ ...query, body: json }, secret);
    const url = `${c.baseUrl}${c.baseUrl.includes('?') ? '&' : '?'}${new URLSearchParams(query).toString()}`;
    const body = await this.send(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: json }, signal, method);
    const env = UltimateEnvelope.safeParse(body);
    if (!env.success) throw AdapterError.retryable(ADAPTER_ID, 'bad_envelope', `${method}: response has no status`, { body: snippet(body) });
    this.check(env.data.status, env.data.message ?? '', method);
    return env.data;
  }

  private check(code: number | string, message: string, api: string): void {
    const n = Number(code);
    if (n === 0) return;
    const transient = [...TRANSIENT_CODES[this.config.edition], ...this.config.transientCodes].includes(n) || TRANSIENT_MESSAGE.test(message);
    // The message is the WMS's own text (it names fields and our tid, never buyer data we did not send).
    const text = `${api} failed with code ${String(code)}: ${message || '(no message)'}`;
    if (transient) throw AdapterError.retryable(ADAPTER_ID, `wdt_${String(code)}`, text, TRANSIENT_MESSAGE.test(message) ? { retryAfterMs: RATE_LIMIT_RETRY_MS } : undefined);
    throw AdapterError.rejected(ADAPTER_ID, `wdt_${String(code)}`, text);
  }

  private async send(url: string, init: RequestInit, signal: AbortSignal, api: string): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.config.timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await this.deps.fetch(url, { ...init, signal: AbortSignal.any([signal, timeout]) });
      text = await res.text();
    } catch (err) {
      // The caller cancelled (workflow cancelled, worker shutting down): not ours to classify.
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : err;
      if (timeout.aborted) throw AdapterError.retryable(ADAPTER_ID, 'timeout', `${api}: no answer within ${this.config.timeoutMs} ms`);
      throw AdapterError.retryable(ADAPTER_ID, 'network', `${api}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!res.ok) {
      const details = { status: res.status, body: text.slice(0, 500) };
      if (isRetryableStatus(res.status)) throw AdapterError.retryable(ADAPTER_ID, `http_${res.status}`, `${api}: HTTP ${res.status}`, details);
      throw AdapterError.rejected(ADAPTER_ID, `http_${res.status}`, `${api}: HTTP ${res.status}`, details);
    }
    try {
      return parseJsonSafe(text);
    } catch {
      // A 200 with HTML is a gateway or maintenance page in front of the WMS.
      throw AdapterError.retryable(ADAPTER_ID, 'bad_body', `${api}: response is not JSON`, { status: res.status, body: text.slice(0, 500) });
    }
  }
}

function snippet(v: unknown): string {
  return JSON.stringify(v).slice(0, 500);
}

export const isUltimate = (c: Pick<WdtConfig, 'edition'>) => c.edition === WDT_EDITION.ULTIMATE;
