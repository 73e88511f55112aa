import { z } from 'zod';
import { beforeRequest, type RequestScope } from '../../src/sdk/define.js';
import { ERROR_CODE, vendorErrorCode } from '../../src/sdk/error-codes.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { formPost, request, type HttpExchange, type VendorFailure } from '../_shared/platform-http.js';
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

/** invalid_grant / invalid_client: the seller must re-authorise; retrying cannot help (a 5xx still retries). */
function lwaFailure(body: unknown, res: HttpExchange): VendorFailure | null {
  if (res.status < 300) return null;
  const e = LwaError.safeParse(body);
  return e.success ? { code: vendorErrorCode('lwa', e.data.error), message: `HTTP ${res.status}, ${e.data.error}`, retryable: false } : null;
}

/** SP-API `{errors:[{code,message}]}`: the status decides (429, 5xx); Amazon's code names the failure. */
function spFailure(body: unknown, res: HttpExchange): VendorFailure | null {
  if (res.status < 300) return null;
  const errs = SpErrors.safeParse(body);
  const first = errs.success ? errs.data.errors[0] : undefined;
  return first ? { code: first.code, message: `HTTP ${res.status} ${first.code}: ${first.message ?? ''}`, retryable: false } : null;
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
    const { body } = await request({
      adapter: ADAPTER_ID,
      what: 'LWA token exchange',
      fetch: this.o.fetch,
      url: this.o.tokenUrl,
      init: formPost({ grant_type: 'refresh_token', refresh_token: this.o.refreshToken, client_id: this.o.clientId, client_secret: this.o.clientSecret }),
      signal,
      timeoutMs: this.o.timeoutMs,
      vendorError: lwaFailure,
    });
    const t = TokenBody.safeParse(body);
    if (!t.success) throw AdapterError.rejected(ADAPTER_ID, ERROR_CODE.BAD_RESPONSE, 'LWA token response without access_token/expires_in');
    this.cached = { token: t.data.access_token, expiresAt: this.o.now().getTime() + t.data.expires_in * 1000 - EXPIRY_MARGIN_MS };
    return t.data.access_token;
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
  if (method === 'GET' && path === '/finances/v0/financialEvents') return 'listFinancialEvents';
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
    const init: RequestInit = { method, headers: { 'x-amz-access-token': token, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) };
    try {
      const res = await request({ adapter: ADAPTER_ID, what: `${method} ${path}`, fetch: this.o.fetch, url, init, signal, timeoutMs: this.o.timeoutMs, emptyIsNull: true, vendorError: spFailure });
      return res.body;
    } catch (err) {
      // An expired token is ours to renew: drop it so the retry fetches a fresh one.
      if (err instanceof AdapterError && err.details?.status === 403 && /expired/i.test(err.message)) {
        this.tokens.invalidate();
        throw AdapterError.retryable(ADAPTER_ID, err.code, err.message.slice(ADAPTER_ID.length + 2), err.details);
      }
      throw err;
    }
  }
}
