import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Logger } from '../../src/logger.js';
import { beforeRequest, type InvokeContext } from '../../src/sdk/define.js';
import { formBody, parseOrReject, request } from '../_shared/platform-http.js';

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

/** Sends one request and returns the parsed JSON body; HTTP and network failures become AdapterErrors. */
export class KdniaoTransport {
  constructor(private readonly o: KdniaoTransportOptions) {}

  async post<T extends z.ZodType>(requestType: KdniaoRequestType, requestData: string, schema: T, ctx: InvokeContext): Promise<z.output<T>> {
    const signal = await beforeRequest(ctx, requestType);
    const init = formBody(kdniaoFormBody({ eBusinessId: this.o.eBusinessId, requestType, requestData, appKey: this.o.appKey }));
    const res = await request({ adapter: KDNIAO_ADAPTER_ID, what: requestType, fetch: this.o.fetch, url: this.o.url, init, signal, timeoutMs: this.o.timeoutMs });
    this.o.logger.debug({ requestType, status: res.status }, 'kdniao call');
    return parseOrReject(KDNIAO_ADAPTER_ID, schema, res.body, `${requestType} response`);
  }
}
