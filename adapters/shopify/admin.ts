import { z } from 'zod';
import { beforeRequest, type RequestScope } from '../../src/sdk/define.js';
import { httpErrorCode } from '../../src/sdk/error-codes.js';
import { request, type HttpExchange, type VendorFailure } from '../_shared/platform-http.js';

export const ADAPTER_ID = 'shopify';

/**
 * Shopify REST error bodies: `{"errors": "Not Found"}`, `{"errors": ["..."]}` or
 * `{"errors": {"field": ["..."]}}` (422). Only the text is kept for the message.
 */
const ShopifyErrors = z.looseObject({ errors: z.union([z.string(), z.array(z.string()), z.record(z.string(), z.union([z.string(), z.array(z.string())]))]) });

function errorText(json: unknown): string {
  const e = ShopifyErrors.safeParse(json);
  if (!e.success) return '';
  const errs = e.data.errors;
  if (typeof errs === 'string') return errs;
  if (Array.isArray(errs)) return errs.join('; ');
  return Object.entries(errs)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`)
    .join('; ');
}

/** Shopify names no codes of its own: the status is the code, its error text the message. */
function shopifyFailure(body: unknown, res: HttpExchange): VendorFailure | null {
  const text = res.status >= 300 ? errorText(body) : '';
  return text ? { code: httpErrorCode(res.status), message: `HTTP ${res.status} ${text}`, retryable: false } : null;
}

export interface ShopifyAdminOptions {
  shop: string;
  /** Where the Admin API is reached; default `https://<shop>` (a sandbox or an egress proxy otherwise). */
  baseUrl?: string | undefined;
  accessToken: string;
  apiVersion: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

/**
 * Shopify Admin REST API: `https://<shop>/admin/api/<version><path>` with the app's access token
 * in `X-Shopify-Access-Token`. 429 (leaky-bucket throttle, Retry-After given) and 5xx are
 * retryable; 401/403 (token revoked, scope missing), 404 (unknown item or location) and 422
 * (refused value) are rejected: retrying cannot change them.
 */
export class ShopifyAdmin {
  constructor(private readonly o: ShopifyAdminOptions) {}

  /** `scope`: the call's context, so each request spends a rate-limit token (Shopify's 2/s per shop); a bare signal is not limited. */
  post(path: string, body: unknown, scope: RequestScope | AbortSignal, api: string = path): Promise<unknown> {
    return this.send('POST', path, body, scope, api);
  }

  /** `api`: the path template (no ids) the rate limiter and its metrics see, when `path` carries an id. */
  get(path: string, scope: RequestScope | AbortSignal, api: string = path): Promise<unknown> {
    return this.send('GET', path, undefined, scope, api);
  }

  private async send(method: 'GET' | 'POST', path: string, body: unknown, scope: RequestScope | AbortSignal, api: string): Promise<unknown> {
    const signal = await beforeRequest(scope, api);
    const origin = (this.o.baseUrl ?? `https://${this.o.shop}`).replace(/\/+$/, '');
    const url = `${origin}/admin/api/${this.o.apiVersion}${path}`;
    const headers: Record<string, string> = { 'x-shopify-access-token': this.o.accessToken, accept: 'application/json' };
    const init: RequestInit = method === 'POST' ? { method, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) } : { method, headers };
    const res = await request({ adapter: ADAPTER_ID, what: `${method} ${path}`, fetch: this.o.fetch, url, init, signal, timeoutMs: this.o.timeoutMs, emptyIsNull: true, vendorError: shopifyFailure });
    return res.body;
  }
}
