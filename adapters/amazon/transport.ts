import { z } from 'zod';
import { beforeRequest, type RequestScope } from '../../src/sdk/define.js';
import { AdapterError, isRetryableStatus } from '../../src/sdk/errors.js';
import { bodySnippet, exchange, retryAfterMs } from '../_shared/platform-http.js';
import { ADAPTER_ID } from './constants.js';

export { ADAPTER_ID };

const TokenBody = z.object({ access_token: z.string().min(1), expires_in: z.coerce.number().positive() });
const LwaError = z.looseObject({ error: z.string(), error_description: z.string().optional() });
const SpErrors = z.looseObject({ errors: z.array(z.looseObject({ code: z.string(), message: z.string().optional() })).min(1) });

/** Tokens are refreshed this long before Amazon says they expire, so no call carries a dying one. */
const EXPIRY_MARGIN_MS = 60_000;

export interface SpApiOptions {
  endpoint: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  timeoutMs: number;
  fetch: typeof fetch;
  now(): Date;
}

/**
 * Login with Amazon: refresh_token -> access_token (about an hour), cached until shortly before
 * expiry. Concurrent callers share one in-flight exchange instead of each spending a request.
 */
export class LwaTokens {
  private cached: { token: string; expiresAt: number } | null = null;
  private inflight: Promise<string> | null = null;

  constructor(private readonly o: SpApiOptions) {}

  invalidate(): void {
    this.cached = null;
  }

  async get(signal: AbortSignal): Promise<string> {
    const now = this.o.now().getTime();
    if (this.cached && this.cached.expiresAt > now) return this.cached.token;
    this.inflight ??= this.exchange(signal).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async exchange(signal: AbortSignal): Promise<string> {
    const res = await exchange({
      adapter: ADAPTER_ID,
      fetch: this.o.fetch,
      url: this.o.tokenUrl,
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: this.o.refreshToken, client_id: this.o.clientId, client_secret: this.o.clientSecret }).toString(),
      },
      signal,
      timeoutMs: this.o.timeoutMs,
    });
    let json: unknown = null;
    try {
      json = JSON.parse(res.text);
    } catch {
      // handled below by status
    }
    if (res.status >= 200 && res.status < 300) {
      const t = TokenBody.safeParse(json);
      if (!t.success) throw AdapterError.rejected(ADAPTER_ID, 'lwa-unexpected-response', 'LWA token response without access_token/expires_in');
      this.cached = { token: t.data.access_token, expiresAt: this.o.now().getTime() + t.data.expires_in * 1000 - EXPIRY_MARGIN_MS };
      return t.data.access_token;
    }
    const e = LwaError.safeParse(json);
    // invalid_grant / invalid_client: the seller must re-authorise; retrying cannot help.
    throw new AdapterError(ADAPTER_ID, e.success ? `lwa-${e.data.error}` : `lwa-http-${res.status}`, `LWA token exchange failed (HTTP ${res.status}${e.success ? `, ${e.data.error}` : ''})`, isRetryableStatus(res.status), { status: res.status });
  }
}

/**
 * The SP-API operation a request is, by the name Amazon publishes its usage plan (rate, burst)
 * under. Unknown paths get their method and path with ids replaced, a stable name with no quota.
 */
export function spApiOperation(method: 'GET' | 'POST' | 'PATCH', path: string): string {
  if (method === 'GET' && path === '/orders/v0/orders') return 'getOrders';
  if (method === 'GET' && /^\/orders\/v0\/orders\/[^/]+\/orderItems$/.test(path)) return 'getOrderItems';
  if (method === 'POST' && /^\/orders\/v0\/orders\/[^/]+\/shipmentConfirmation$/.test(path)) return 'confirmShipment';
  if (method === 'GET' && /^\/orders\/v0\/orders\/[^/]+$/.test(path)) return 'getOrder';
  if (method === 'PATCH' && /^\/listings\/2021-08-01\/items\/[^/]+\/[^/]+$/.test(path)) return 'patchListingsItem';
  return `${method} ${path.replace(/^(\/orders\/v0\/orders)\/[^/]+/, '$1/{orderId}')}`;
}

/**
 * SP-API calls: the LWA token in x-amz-access-token; errors are `{errors:[{code,message}]}` with
 * the HTTP status deciding: 429 (rate limited: getOrders is 0.0167 rps, burst 20) and 5xx are
 * retryable with Retry-After when given; 400/404 are rejected; a 403 whose message says the
 * token expired drops the cached token and is retryable, any other 403 (missing role) rejected.
 */
export class SpApiTransport {
  readonly tokens: LwaTokens;

  constructor(private readonly o: SpApiOptions) {
    this.tokens = new LwaTokens(o);
  }

  async request(method: 'GET' | 'POST' | 'PATCH', path: string, query: URLSearchParams | null, body: unknown, scope: RequestScope | AbortSignal): Promise<unknown> {
    // One token per SP-API request, under the operation's name (its published quota's key). The
    // LWA token exchange is another service with no such quota and is not counted.
    const signal = await beforeRequest(scope, spApiOperation(method, path));
    const token = await this.tokens.get(signal);
    const url = `${this.o.endpoint.replace(/\/$/, '')}${path}${query ? `?${query.toString()}` : ''}`;
    const res = await exchange({
      adapter: ADAPTER_ID,
      fetch: this.o.fetch,
      url,
      init: { method, headers: { 'x-amz-access-token': token, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) },
      signal,
      timeoutMs: this.o.timeoutMs,
    });
    let json: unknown = null;
    if (res.text) {
      try {
        json = JSON.parse(res.text);
      } catch {
        throw new AdapterError(ADAPTER_ID, `http-${res.status}`, `${method} ${path}: unparseable response (HTTP ${res.status})`, isRetryableStatus(res.status) || res.status < 300, { status: res.status, body: bodySnippet(res.text) });
      }
    }
    if (res.status >= 200 && res.status < 300) return json;
    const errs = SpErrors.safeParse(json);
    const first = errs.success ? errs.data.errors[0] : undefined;
    const code = first ? first.code : `http-${res.status}`;
    const message = `${method} ${path}: HTTP ${res.status}${first ? ` ${first.code}: ${first.message ?? ''}` : ''}`;
    if (res.status === 403 && /expired/i.test(first?.message ?? '')) {
      this.tokens.invalidate();
      throw AdapterError.retryable(ADAPTER_ID, code, message, { status: res.status });
    }
    throw new AdapterError(ADAPTER_ID, code, message, isRetryableStatus(res.status), { status: res.status, retryAfterMs: retryAfterMs(res.headers) });
  }
}
