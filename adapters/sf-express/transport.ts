import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../../src/logger.js';
import type { InvokeContext } from '../../src/sdk/define.js';
import { AdapterError, isRetryableStatus } from '../../src/sdk/errors.js';
import { parseJsonSafe } from '../../src/util/json.js';

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

/** Parses a JSON text inside a zod pipeline (apiResultData and msgData arrive as strings). */
export const jsonText = z.string().transform((s, ctx): unknown => {
  try {
    return parseJsonSafe(s);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
    return z.NEVER;
  }
});

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
  return SF_BUSY_ERROR_CODES.has(errorCode) ? AdapterError.retryable(SF_ADAPTER_ID, `sf_${errorCode}`, message) : AdapterError.rejected(SF_ADAPTER_ID, `sf_${errorCode}`, message);
}

/** Combines the activity's cancellation with our own timeout; tells them apart afterwards. */
export function callSignal(ctxSignal: AbortSignal, timeoutMs: number): { signal: AbortSignal; timedOut(): boolean } {
  const timeout = AbortSignal.timeout(timeoutMs);
  return { signal: AbortSignal.any([ctxSignal, timeout]), timedOut: () => timeout.aborted && !ctxSignal.aborted };
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
    const form = new URLSearchParams({
      partnerID: this.o.partnerId,
      requestID,
      serviceCode,
      timestamp,
      msgDigest: sfMsgDigest(msgData, timestamp, this.o.checkword),
      msgData,
    });
    const { signal, timedOut } = callSignal(ctx.signal, this.o.timeoutMs);
    const started = Date.now();
    let res: Response;
    let text: string;
    try {
      res = await this.o.fetch(this.o.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
        body: form.toString(),
        signal,
      });
      text = await res.text();
    } catch (err) {
      if (ctx.signal.aborted) throw AdapterError.retryable(SF_ADAPTER_ID, 'aborted', `${serviceCode} aborted by the caller`);
      if (timedOut()) throw AdapterError.retryable(SF_ADAPTER_ID, 'timeout', `${serviceCode} timed out after ${this.o.timeoutMs} ms`);
      throw AdapterError.retryable(SF_ADAPTER_ID, 'network', `${serviceCode}: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.o.logger.debug({ serviceCode, requestID, status: res.status, ms: Date.now() - started }, 'sf call');
    if (!res.ok) {
      // Error pages from the gateway carry no buyer data; a short prefix helps whoever reads the failure.
      const details = { status: res.status, body: text.slice(0, 300) };
      const msgText = `${serviceCode}: HTTP ${res.status}`;
      throw isRetryableStatus(res.status) ? AdapterError.retryable(SF_ADAPTER_ID, 'http', msgText, details) : AdapterError.rejected(SF_ADAPTER_ID, 'http', msgText, details);
    }
    const env = jsonText.pipe(SfEnvelope).safeParse(text);
    // An unparseable 200 is most often a proxy or maintenance page: worth another attempt.
    if (!env.success) throw AdapterError.retryable(SF_ADAPTER_ID, 'bad_response', `${serviceCode}: response is not an SF envelope (${describeIssues(env.error)})`, { status: res.status });
    const { apiResultCode, apiErrorMsg } = env.data;
    if (apiResultCode !== 'A1000') {
      const m = `${serviceCode}: gateway ${apiResultCode} ${apiErrorMsg ?? ''}`.trim();
      const code = `sf_${apiResultCode}`;
      throw SF_RETRYABLE_API_CODES.has(apiResultCode) ? AdapterError.retryable(SF_ADAPTER_ID, code, m) : AdapterError.rejected(SF_ADAPTER_ID, code, m);
    }
    const data = jsonOrObject(SfResultData).safeParse(env.data.apiResultData);
    if (!data.success) throw AdapterError.retryable(SF_ADAPTER_ID, 'bad_response', `${serviceCode}: apiResultData is not a result object (${describeIssues(data.error)})`);
    return data.data;
  }

  /** `call` plus the generic business mapping of success:false. */
  async callOk(serviceCode: SfServiceCode, msg: unknown, ctx: InvokeContext): Promise<unknown> {
    const r = await this.call(serviceCode, msg, ctx);
    if (!r.success) throw sfBusinessError(serviceCode, r);
    return r.msgData;
  }
}

/** Issue paths and messages only: never the values, which may be buyer data. */
export function describeIssues(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * Parses an operation's msgData with its schema. A mismatch after success means SF changed
 * shape: no retry fixes that, so it is rejected and goes to a person with the paths named.
 */
export function parseMsgData<T extends z.ZodType>(serviceCode: SfServiceCode, schema: T, msgData: unknown): z.output<T> {
  const r = jsonOrObject(schema).safeParse(msgData);
  if (!r.success) throw AdapterError.rejected(SF_ADAPTER_ID, 'bad_response', `${serviceCode}: unexpected msgData (${describeIssues(r.error)})`);
  return r.data;
}

/** An operation's input, parsed; a bad input is the caller's bug, so it is rejected (no retry). */
export function parseInput<T extends z.ZodType>(operation: string, schema: T, raw: unknown): z.output<T> {
  const r = schema.safeParse(raw);
  if (!r.success) throw AdapterError.rejected(SF_ADAPTER_ID, 'invalid_input', `${operation}: invalid input (${describeIssues(r.error)})`);
  return r.data;
}

/** SF sends some integers as numbers in one service and as strings in another. */
export const intLike = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]);
