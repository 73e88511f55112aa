import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../../src/logger.js';
import type { InvokeContext } from '../../src/sdk/define.js';
import { AdapterError, isRetryableStatus } from '../../src/sdk/errors.js';
import { parseJsonSafe } from '../../src/util/json.js';

export const EMS_ADAPTER_ID = 'ems';

/** The hub's EMS contract (see README.md): paths relative to the configured base URL. */
export const EMS_PATH = {
  CREATE: '/waybills/create',
  UPDATE: '/waybills/update',
  CANCEL: '/waybills/cancel',
  TRACKING: '/tracking/query',
} as const;
export type EmsPath = (typeof EMS_PATH)[keyof typeof EMS_PATH];

export const EMS_HEADER = { PARTNER: 'x-zs-partner', TIMESTAMP: 'x-zs-timestamp', SIGNATURE: 'x-zs-signature' } as const;

/** X-Zs-Signature = lowercase hex HMAC-SHA256(secret, timestamp + body), body as the exact bytes sent. */
export function emsSignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(timestamp, 'utf8').update(body, 'utf8').digest('hex');
}

const ErrorBody = z.object({ code: z.string(), message: z.string().optional() });

export interface EmsTransportOptions {
  baseUrl: string;
  partnerId: string;
  secret: string;
  timeoutMs: number;
  fetch: typeof fetch;
  logger: Logger;
  now(): Date;
}

export function describeIssues(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

export class EmsTransport {
  constructor(private readonly o: EmsTransportOptions) {}

  /** POSTs a signed JSON body; 2xx bodies are parsed with `schema`, other statuses mapped by the contract. */
  async post<T extends z.ZodType>(path: EmsPath, payload: unknown, schema: T, ctx: InvokeContext): Promise<z.output<T>> {
    const body = JSON.stringify(payload);
    const timestamp = String(this.o.now().getTime());
    const timeout = AbortSignal.timeout(this.o.timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await this.o.fetch(this.o.baseUrl.replace(/\/+$/, '') + path, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          [EMS_HEADER.PARTNER]: this.o.partnerId,
          [EMS_HEADER.TIMESTAMP]: timestamp,
          [EMS_HEADER.SIGNATURE]: emsSignature(this.o.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.any([ctx.signal, timeout]),
      });
      text = await res.text();
    } catch (err) {
      if (ctx.signal.aborted) throw AdapterError.retryable(EMS_ADAPTER_ID, 'aborted', `${path} aborted by the caller`);
      if (timeout.aborted) throw AdapterError.retryable(EMS_ADAPTER_ID, 'timeout', `${path} timed out after ${this.o.timeoutMs} ms`);
      throw AdapterError.retryable(EMS_ADAPTER_ID, 'network', `${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.o.logger.debug({ path, status: res.status }, 'ems call');
    let json: unknown = undefined;
    try {
      json = parseJsonSafe(text);
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const e = ErrorBody.safeParse(json);
      const code = e.success ? e.data.code : 'http';
      const m = `${path}: HTTP ${res.status}${e.success ? ` ${e.data.code}${e.data.message ? `: ${e.data.message}` : ''}` : ''}`;
      const details = { status: res.status, body: text.slice(0, 300) };
      throw isRetryableStatus(res.status) ? AdapterError.retryable(EMS_ADAPTER_ID, code, m, details) : AdapterError.rejected(EMS_ADAPTER_ID, code, m, details);
    }
    if (json === undefined) throw AdapterError.retryable(EMS_ADAPTER_ID, 'bad_response', `${path}: response is not JSON`, { status: res.status });
    const r = schema.safeParse(json);
    if (!r.success) throw AdapterError.rejected(EMS_ADAPTER_ID, 'bad_response', `${path}: unexpected response (${describeIssues(r.error)})`);
    return r.data;
  }
}

export function parseInput<T extends z.ZodType>(operation: string, schema: T, raw: unknown): z.output<T> {
  const r = schema.safeParse(raw);
  if (!r.success) throw AdapterError.rejected(EMS_ADAPTER_ID, 'invalid_input', `${operation}: invalid input (${describeIssues(r.error)})`);
  return r.data;
}
