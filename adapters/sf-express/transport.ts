import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../../src/logger.js';
import { beforeRequest, type InvokeContext } from '../../src/sdk/define.js';
import { ERROR_CODE, vendorErrorCode } from '../../src/sdk/error-codes.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { parseJsonSafe } from '../../src/util/json.js';
import { describeIssues, formPost, request, type VendorFailure } from '../_shared/platform-http.js';

export const SF_ADAPTER_ID = 'sf-express';

export const SF_SERVICE = {
  CREATE_ORDER: 'EXP_RECE_CREATE_ORDER',
  SEARCH_ORDER: 'EXP_RECE_SEARCH_ORDER_RESP',
  UPDATE_ORDER: 'EXP_RECE_UPDATE_ORDER',
  SEARCH_ROUTES: 'EXP_RECE_SEARCH_ROUTES',
} as const;
export type SfServiceCode = (typeof SF_SERVICE)[keyof typeof SF_SERVICE];

/**
 * java.net.URLEncoder.encode(s, "UTF-8"): letters, digits and `.-*_` stay, a space becomes `+`,
 * everything else is %XX of its UTF-8 bytes (upper-case hex). SF's own Java SDK (CSIM
 * `CallExpressServiceTools.getMsgDigest`) signs with URLEncoder; their Python SDK uses
 * `quote_plus`, which agrees except for `*` (Python: %2A) and `~` (Java: %7E). We follow Java,
 * the reference implementation the gateway is written in. encodeURIComponent is NOT the same:
 * it keeps `!'()~` and writes a space as %20, so a remark with a space would fail the digest.
 */
export function javaUrlEncode(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-*_]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** msgDigest = base64(MD5 bytes(URLEncoder(msgData + timestamp + checkword))). */
export function sfMsgDigest(msgData: string, timestamp: string, checkword: string): string {
  return createHash('md5').update(javaUrlEncode(msgData + timestamp + checkword), 'utf8').digest('base64');
}

/**
 * A value SF may send either as a JSON string or already as an object. Not a z.union: a union
 * reports "Invalid input" at the root and hides which field broke.
 */
export function jsonOrObject<T extends z.ZodType>(schema: T) {
  return z
    .unknown()
    .transform((v, ctx): unknown => {
      if (typeof v !== 'string') return v;
      try {
        return parseJsonSafe(v);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

const SfEnvelope = z.object({
  apiResultCode: z.string(),
  apiErrorMsg: z.string().nullish(),
  apiResponseID: z.string().nullish(),
  apiResultData: z.unknown().optional(),
});

const SfResultData = z.object({
  success: z.boolean(),
  errorCode: z.string().nullish(),
  errorMsg: z.string().nullish(),
  msgData: z.unknown().optional(),
});
export type SfResultData = z.infer<typeof SfResultData>;

/**
 * Gateway codes (apiResultCode) that a later attempt can clear: A1005 traffic limited, A1007
 * "repeated request" (same requestID; every attempt sends a new one), A1009 target service
 * unreachable, A1099 system error. The others (A1001 missing parameter, A1002 expired
 * timestamp, A1003 IP not allowed, A1004 no permission, A1006 bad msgDigest, A1008 decrypt
 * failure) need a person. Source: SF open-platform error table as quoted in integrations;
 * UNVERIFIED against the current official page.
 */
export const SF_RETRYABLE_API_CODES: ReadonlySet<string> = new Set(['A1005', 'A1007', 'A1009', 'A1099']);

/**
 * Business errorCodes (apiResultData.errorCode) that mean "the system is busy", not "your order
 * is wrong": S0003 (data error or runtime exception on SF's side). UNVERIFIED: from SF's error
 * table as quoted by integrators; extend here when a real one shows up in production.
 */
export const SF_BUSY_ERROR_CODES: ReadonlySet<string> = new Set(['S0003']);

/** Business errorCodes with a meaning the operations rely on. */
export const SF_ERROR = {
  OK: 'S0000',
  /** 重复下单: the orderId was used before (see create-waybill for how it is resolved). */
  DUPLICATE_ORDER: '8016',
  /** 已消单: the order is already cancelled (a retried cancel lands here). UNVERIFIED. */
  ALREADY_CANCELLED: '8037',
} as const;

/** The gateway's refusal (apiResultCode other than A1000), classified by SF_RETRYABLE_API_CODES. */
function sfGatewayFailure(body: unknown): VendorFailure | null {
  const env = SfEnvelope.safeParse(body);
  if (!env.success || env.data.apiResultCode === 'A1000') return null;
  const { apiResultCode, apiErrorMsg } = env.data;
  return { code: vendorErrorCode('sf', apiResultCode), message: `gateway ${apiResultCode} ${apiErrorMsg ?? ''}`.trim(), retryable: SF_RETRYABLE_API_CODES.has(apiResultCode) };
}

export interface SfTransportOptions {
  url: string;
  partnerId: string;
  checkword: string;
  timeoutMs: number;
  fetch: typeof fetch;
  logger: Logger;
  now(): Date;
}

/** A business failure SF reported (success:false) as an AdapterError: busy codes retry, the rest are rejected. */
export function sfBusinessError(serviceCode: SfServiceCode, r: SfResultData): AdapterError {
  const errorCode = r.errorCode ?? 'unknown';
  const message = `${serviceCode} failed: ${errorCode} ${r.errorMsg ?? ''}`.trim();
  return new AdapterError(SF_ADAPTER_ID, vendorErrorCode('sf', errorCode), message, SF_BUSY_ERROR_CODES.has(errorCode));
}

/**
 * One SF call: sign, POST the form, parse the envelope and apiResultData with zod. Returns the
 * raw result data so an operation can handle its own business codes (8016, 8037) before the
 * generic mapping; everything else here becomes an AdapterError with `retryable` decided.
 * Nothing about the request body is logged: it holds the buyer's name, phone and address.
 */
export class SfTransport {
  constructor(private readonly o: SfTransportOptions) {}

  async call(serviceCode: SfServiceCode, msg: unknown, ctx: InvokeContext): Promise<SfResultData> {
    const msgData = JSON.stringify(msg);
    const timestamp = String(this.o.now().getTime());
    const requestID = randomUUID();
    const form = {
      partnerID: this.o.partnerId,
      requestID,
      serviceCode,
      timestamp,
      msgDigest: sfMsgDigest(msgData, timestamp, this.o.checkword),
      msgData,
    };
    const signal = await beforeRequest(ctx, serviceCode);
    const started = Date.now();
    const res = await request({ adapter: SF_ADAPTER_ID, what: serviceCode, fetch: this.o.fetch, url: this.o.url, init: formPost(form), signal, timeoutMs: this.o.timeoutMs, vendorError: sfGatewayFailure });
    this.o.logger.debug({ serviceCode, requestID, status: res.status, ms: Date.now() - started }, 'sf call');
    const env = SfEnvelope.safeParse(res.body);
    // JSON that is not an envelope under a 200 is most often a proxy or maintenance page: worth another attempt.
    if (!env.success) throw AdapterError.retryable(SF_ADAPTER_ID, ERROR_CODE.BAD_RESPONSE, `${serviceCode}: response is not an SF envelope (${describeIssues(env.error)})`, { status: res.status });
    const data = jsonOrObject(SfResultData).safeParse(env.data.apiResultData);
    if (!data.success) throw AdapterError.retryable(SF_ADAPTER_ID, ERROR_CODE.BAD_RESPONSE, `${serviceCode}: apiResultData is not a result object (${describeIssues(data.error)})`);
    return data.data;
  }

  /** `call` plus the generic business mapping of success:false. */
  async callOk(serviceCode: SfServiceCode, msg: unknown, ctx: InvokeContext): Promise<unknown> {
    const r = await this.call(serviceCode, msg, ctx);
    if (!r.success) throw sfBusinessError(serviceCode, r);
    return r.msgData;
  }
}

/**
 * Parses an operation's msgData with its schema. A mismatch after success means SF changed
 * shape: no retry fixes that, so it is rejected and goes to a person with the paths named.
 */
export function parseMsgData<T extends z.ZodType>(serviceCode: SfServiceCode, schema: T, msgData: unknown): z.output<T> {
  const r = jsonOrObject(schema).safeParse(msgData);
  if (!r.success) throw AdapterError.rejected(SF_ADAPTER_ID, ERROR_CODE.BAD_RESPONSE, `${serviceCode}: unexpected msgData (${describeIssues(r.error)})`);
  return r.data;
}

/** SF sends some integers as numbers in one service and as strings in another. */
export const intLike = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]);
