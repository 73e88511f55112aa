import { z } from 'zod';
import { beforeRequest, type RequestScope } from '../../src/sdk/define.js';
import { ERROR_CODE, vendorErrorCode } from '../../src/sdk/error-codes.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { formPost, isBusy, jsonPost, request, type BusyTable, type VendorFailure } from '../_shared/platform-http.js';
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
    const { body } = await request({ ...this.base(file, url, formPost(params), signal), vendorError: (b) => this.failure(EnterpriseEnvelope.safeParse(b).data) });
    const env = EnterpriseEnvelope.safeParse(body);
    if (!env.success) throw AdapterError.retryable(ADAPTER_ID, ERROR_CODE.BAD_RESPONSE, `${file}: response has no code`, { body: snippet(body) });
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
    const { body } = await request({ ...this.base(method, url, jsonPost(json), signal), vendorError: (b) => { const e = UltimateEnvelope.safeParse(b).data; return this.failure(e && { code: e.status, message: e.message }); } });
    const env = UltimateEnvelope.safeParse(body);
    if (!env.success) throw AdapterError.retryable(ADAPTER_ID, ERROR_CODE.BAD_RESPONSE, `${method}: response has no status`, { body: snippet(body) });
    return env.data;
  }

  private base(what: string, url: string, init: RequestInit, signal: AbortSignal) {
    return { adapter: ADAPTER_ID, what, fetch: this.deps.fetch, url, init, signal, timeoutMs: this.config.timeoutMs };
  }

  /** A non-zero code or status, classified by this edition's busy table and the connector's extra codes. */
  private failure(env: { code: number | string; message?: string | null | undefined } | undefined): VendorFailure | null {
    if (!env || Number(env.code) === 0) return null;
    const { code } = env;
    // The message is the WMS's own text (it names fields and our tid, never buyer data we did not send).
    const text = env.message ?? '';
    const table: BusyTable = { codes: new Set([...TRANSIENT_CODES[this.config.edition], ...this.config.transientCodes].map(String)), text: TRANSIENT_MESSAGE };
    return { code: vendorErrorCode('wdt', code), message: `failed with code ${String(code)}: ${text || '(no message)'}`, retryable: isBusy(table, Number(code), text), ...(TRANSIENT_MESSAGE.test(text) ? { retryAfterMs: RATE_LIMIT_RETRY_MS } : {}) };
  }
}

function snippet(v: unknown): string {
  return JSON.stringify(v).slice(0, 500);
}

export const isUltimate = (c: Pick<WdtConfig, 'edition'>) => c.edition === WDT_EDITION.ULTIMATE;
