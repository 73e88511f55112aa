import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Logger } from '../../src/logger.js';
import type { InvokeContext } from '../../src/sdk/define.js';
import { AdapterError, isRetryableStatus } from '../../src/sdk/errors.js';
import { parseJsonSafe } from '../../src/util/json.js';

export const KDNIAO_ADAPTER_ID = 'kdniao';

export const KDNIAO_REQUEST_TYPE = { INSTANT: '1002', ENHANCED: '8001', SUBSCRIBE: '8008' } as const;
export type KdniaoRequestType = (typeof KDNIAO_REQUEST_TYPE)[keyof typeof KDNIAO_REQUEST_TYPE];

/** application/x-www-form-urlencoded encoding of one value (space as '+', like PHP urlencode for these inputs). */
export function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/**
 * DataSign = urlencode(base64(md5_hex_lowercase(RequestData + AppKey))). Note the base64 is of
 * the 32-character HEX STRING, not of the 16 digest bytes: that is what KDNiao's own demos do
 * (PHP `base64_encode(md5($data.$appkey))`, md5() returning hex). The result is already
 * URL-encoded, so it is put into the form body as is, never encoded twice.
 */
export function kdniaoDataSign(requestData: string, appKey: string): string {
  const hex = createHash('md5').update(requestData + appKey, 'utf8').digest('hex');
  return encodeURIComponent(Buffer.from(hex, 'utf8').toString('base64'));
}

/** The form body exactly as KDNiao's demo sends it: RequestData URL-encoded once, DataSign as signed. */
export function kdniaoFormBody(p: { eBusinessId: string; requestType: KdniaoRequestType; requestData: string; appKey: string }): string {
  return [
    `RequestData=${formEncode(p.requestData)}`,
    `EBusinessID=${formEncode(p.eBusinessId)}`,
    `RequestType=${p.requestType}`,
    `DataSign=${kdniaoDataSign(p.requestData, p.appKey)}`,
    'DataType=2',
  ].join('&');
}

export interface KdniaoTransportOptions {
  url: string;
  eBusinessId: string;
  appKey: string;
  timeoutMs: number;
  fetch: typeof fetch;
  logger: Logger;
}

function describeIssues(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** Sends one request and returns the parsed JSON body; HTTP and network failures become AdapterErrors. */
export class KdniaoTransport {
  constructor(private readonly o: KdniaoTransportOptions) {}

  async post<T extends z.ZodType>(requestType: KdniaoRequestType, requestData: string, schema: T, ctx: InvokeContext): Promise<z.output<T>> {
    const timeout = AbortSignal.timeout(this.o.timeoutMs);
    const signal = AbortSignal.any([ctx.signal, timeout]);
    let res: Response;
    let text: string;
    try {
      res = await this.o.fetch(this.o.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
        body: kdniaoFormBody({ eBusinessId: this.o.eBusinessId, requestType, requestData, appKey: this.o.appKey }),
        signal,
      });
      text = await res.text();
    } catch (err) {
      if (ctx.signal.aborted) throw AdapterError.retryable(KDNIAO_ADAPTER_ID, 'aborted', `${requestType} aborted by the caller`);
      if (timeout.aborted) throw AdapterError.retryable(KDNIAO_ADAPTER_ID, 'timeout', `${requestType} timed out after ${this.o.timeoutMs} ms`);
      throw AdapterError.retryable(KDNIAO_ADAPTER_ID, 'network', `${requestType}: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.o.logger.debug({ requestType, status: res.status }, 'kdniao call');
    if (!res.ok) {
      const details = { status: res.status, body: text.slice(0, 300) };
      const m = `${requestType}: HTTP ${res.status}`;
      throw isRetryableStatus(res.status) ? AdapterError.retryable(KDNIAO_ADAPTER_ID, 'http', m, details) : AdapterError.rejected(KDNIAO_ADAPTER_ID, 'http', m, details);
    }
    let body: unknown;
    try {
      body = parseJsonSafe(text);
    } catch {
      throw AdapterError.retryable(KDNIAO_ADAPTER_ID, 'bad_response', `${requestType}: response is not JSON`, { status: res.status });
    }
    const r = schema.safeParse(body);
    if (!r.success) throw AdapterError.rejected(KDNIAO_ADAPTER_ID, 'bad_response', `${requestType}: unexpected response (${describeIssues(r.error)})`);
    return r.data;
  }
}

export function parseInput<T extends z.ZodType>(operation: string, schema: T, raw: unknown): z.output<T> {
  const r = schema.safeParse(raw);
  if (!r.success) throw AdapterError.rejected(KDNIAO_ADAPTER_ID, 'invalid_input', `${operation}: invalid input (${describeIssues(r.error)})`);
  return r.data;
}
