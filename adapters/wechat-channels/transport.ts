import { z } from 'zod';
import { beforeRequest, type RequestScope } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { ERROR_CODE } from '../../src/sdk/error-codes.js';
import { request, transientText } from '../_shared/platform-http.js';
import { ADAPTER_ID, WECHAT_ERRCODE } from './constants.js';

export { ADAPTER_ID };

/**
 * The WeChat server API envelope: HTTP 200 with `errcode` (absent or 0 on success) and `errmsg`.
 * Retryable: -1 system busy, 45009 frequency limit, and any errmsg saying busy / try later. The
 * token codes (40001, 40014, 42001) are handled by the transport (one refresh); everything else
 * (40125 wrong secret, 48001 permission not granted, 4xxxx parameters) is a rejection.
 */
const Envelope = z.looseObject({ errcode: z.number().int().optional(), errmsg: z.string().optional() });
const RETRYABLE: ReadonlySet<number> = new Set([WECHAT_ERRCODE.BUSY, WECHAT_ERRCODE.FREQ_LIMIT]);
const TOKEN_CODES: ReadonlySet<string> = new Set([WECHAT_ERRCODE.INVALID_CREDENTIAL, WECHAT_ERRCODE.INVALID_TOKEN, WECHAT_ERRCODE.TOKEN_EXPIRED].map((c) => `wechat_${c}`));
const WECHAT_TRANSIENT = transientText('system (is )?busy', 'try again');

export function classifyWeChatError(e: { errcode?: number | undefined; errmsg?: string | undefined }): { failed: boolean; retryable: boolean; code: string } {
  if (e.errcode === undefined || e.errcode === WECHAT_ERRCODE.OK) return { failed: false, retryable: false, code: '' };
  return { failed: true, retryable: RETRYABLE.has(e.errcode) || WECHAT_TRANSIENT.test(e.errmsg ?? ''), code: `wechat_${e.errcode}` };
}

const TokenReply = z.looseObject({ access_token: z.string().min(1), expires_in: z.number().int().positive() });

/** A token is replaced this long before WeChat says it expires (clocks differ; a call takes time). */
const TOKEN_MARGIN_MS = 5 * 60_000;

export interface WeChatTransportOptions {
  appId: string;
  appSecret: string;
  baseUrl: string;
  timeoutMs: number;
  fetch: typeof fetch;
  now(): Date;
}

/**
 * The shop API: `POST <base><path>?access_token=...` with a JSON body. The token comes from
 * `/cgi-bin/stable_token` (appid + secret; stable_token so several hubs or tools sharing the app
 * do not invalidate each other's token, as /cgi-bin/token does) and is kept until shortly before
 * it expires. Nothing is signed: the secret only travels to the token endpoint.
 */
export class WeChatTransport {
  private token: { value: string; until: number } | null = null;
  constructor(private readonly o: WeChatTransportOptions) {}

  private url(path: string, q?: URLSearchParams): string {
    return `${this.o.baseUrl.replace(/\/$/, '')}${path}${q ? `?${q.toString()}` : ''}`;
  }

  private async post(what: string, url: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    const res = await request({
      adapter: ADAPTER_ID,
      what,
      fetch: this.o.fetch,
      url,
      init: { method: 'POST', headers: { 'content-type': 'application/json;charset=utf-8' }, body: JSON.stringify(body) },
      signal,
      timeoutMs: this.o.timeoutMs,
      vendorError: (b) => {
        const env = Envelope.safeParse(b);
        if (!env.success) return null;
        const c = classifyWeChatError(env.data);
        return c.failed ? { code: c.code, message: `${env.data.errcode ?? ''} ${env.data.errmsg ?? ''}`.trim(), retryable: c.retryable } : null;
      },
    });
    if (!Envelope.safeParse(res.body).success) throw AdapterError.retryable(ADAPTER_ID, ERROR_CODE.BAD_RESPONSE, `${what}: the answer is not a WeChat envelope (HTTP ${res.status})`, { status: res.status });
    return res.body;
  }

  private async accessToken(scope: RequestScope | AbortSignal): Promise<string> {
    if (this.token && this.token.until > this.o.now().getTime()) return this.token.value;
    const signal = await beforeRequest(scope, 'stable_token');
    const raw = await this.post('stable_token', this.url('/cgi-bin/stable_token'), { grant_type: 'client_credential', appid: this.o.appId, secret: this.o.appSecret }, signal);
    const t = TokenReply.safeParse(raw);
    if (!t.success) throw AdapterError.rejected(ADAPTER_ID, ERROR_CODE.BAD_RESPONSE, 'stable_token: no access_token/expires_in in the answer');
    this.token = { value: t.data.access_token, until: this.o.now().getTime() + t.data.expires_in * 1000 - TOKEN_MARGIN_MS };
    return this.token.value;
  }

  /** POSTs `body` to `path` (e.g. /channels/ec/order/get) with the shop's token; returns the whole answer. */
  async call(path: string, body: Record<string, unknown>, scope: RequestScope | AbortSignal): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken(scope);
      // One token of the shared rate limit per request, like every other platform call.
      const signal = await beforeRequest(scope, path);
      try {
        return await this.post(path, this.url(path, new URLSearchParams({ access_token: token })), body, signal);
      } catch (err) {
        // A token revoked or replaced elsewhere: fetch a fresh one once, then let the error stand.
        if (attempt === 0 && err instanceof AdapterError && TOKEN_CODES.has(err.code)) {
          this.token = null;
          continue;
        }
        throw err;
      }
    }
  }
}

/** WeChat order and product ids: int64 numbers (kept exact by parseJsonSafe as strings) or strings. */
export const WeChatId = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative().refine(Number.isSafeInteger, 'unsafe integer id')]).transform(String);
