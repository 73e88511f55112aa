import { z } from 'zod';
import { beforeRequest, type RequestScope } from '../../src/sdk/define.js';
import { ERROR_CODE, vendorErrorCode } from '../../src/sdk/error-codes.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { jsonPost, request } from '../_shared/platform-http.js';
import type { KingdeeConfig } from './config.js';

export const ADAPTER_ID = 'kingdee';

const STUB = 'Kingdee.BOS.WebApi.ServicesStub';
export const SERVICE = {
  LOGIN: `${STUB}.AuthService.LoginByAppSecret`,
  SAVE: `${STUB}.DynamicFormService.Save`,
  SUBMIT: `${STUB}.DynamicFormService.Submit`,
  AUDIT: `${STUB}.DynamicFormService.Audit`,
  BILL_QUERY: `${STUB}.DynamicFormService.ExecuteBillQuery`,
} as const;

/** The session cookies Kingdee sets at login (names from the vendor Java SDK's ConstDefine). */
const SESSION_COOKIES = ['kdservice-sessionid', 'ASP.NET_SessionId'] as const;
/** LoginResultType 1 = success; -1 = server-side exception (transient); anything else = refused. */
const LOGIN_OK = 1;
const LOGIN_EXCEPTION = -1;
/** ResponseStatus.MsgCode 1 = the context (session) is lost: "会话信息已丢失，请重新登录". */
const MSG_CODE_SESSION_LOST = 1;
const SESSION_LOST_TEXT = '会话信息已丢失';

const LoginResult = z.object({ LoginResultType: z.number(), Message: z.string().nullish(), KDSVCSessionId: z.string().nullish() }).passthrough();

const Err = z.object({ FieldName: z.string().nullish(), Message: z.string().nullish(), DIndex: z.number().nullish() }).passthrough();
const Entity = z.object({ Id: z.union([z.number(), z.string()]).nullish(), Number: z.string().nullish(), DIndex: z.number().nullish() }).passthrough();
export const ResponseStatus = z
  .object({
    IsSuccess: z.boolean(),
    ErrorCode: z.union([z.number(), z.string()]).nullish(),
    MsgCode: z.number().nullish(),
    Errors: z.array(Err).nullish(),
    SuccessEntitys: z.array(Entity).nullish(),
  })
  .passthrough();
export type ResponseStatus = z.output<typeof ResponseStatus>;
const Envelope = z.object({ Result: z.object({ ResponseStatus }).passthrough() }).passthrough();
/** ExecuteBillQuery answers rows, or an error envelope wrapped in `[[...]]`. */
const QueryError = z.tuple([z.tuple([Envelope])]).rest(z.unknown());

/** The ResponseStatus inside any Kingdee answer shape, if there is one. */
function statusOf(body: unknown): ResponseStatus | null {
  const direct = Envelope.safeParse(body);
  if (direct.success) return direct.data.Result.ResponseStatus;
  const wrapped = QueryError.safeParse(body);
  if (wrapped.success) return wrapped.data[0][0].Result.ResponseStatus;
  return null;
}

function sessionLost(s: ResponseStatus | null): boolean {
  return !!s && !s.IsSuccess && (s.MsgCode === MSG_CODE_SESSION_LOST || (s.Errors ?? []).some((e) => (e.Message ?? '').includes(SESSION_LOST_TEXT)));
}

/** "FBillNo: 单据编号已存在; FCustId: 客户不存在" — Kingdee's own texts, which name fields, not buyers. */
export function errorsText(s: ResponseStatus): string {
  const list = (s.Errors ?? []).map((e) => (e.FieldName ? `${e.FieldName}: ${e.Message ?? ''}` : (e.Message ?? ''))).filter((x) => x);
  return list.length ? list.join('; ') : `ErrorCode ${String(s.ErrorCode ?? '?')}`;
}

export interface KingdeeDeps {
  fetch: typeof fetch;
}

/**
 * Kingdee Cloud Galaxy WebAPI: JSON POST `{baseUrl}/{service}.common.kdsvc` with
 * `{"parameters":[...]}`, authenticated by the session cookie from LoginByAppSecret. Logs in
 * lazily (one login shared by concurrent calls), and when a call answers "session lost" logs in
 * again and repeats that call once: the call was refused before doing anything, so repeating it
 * is safe, and the bill number makes even an unclear repeat idempotent.
 */
export class KingdeeTransport {
  private cookies = new Map<string, string>();
  private login: Promise<void> | null = null;
  logins = 0;

  constructor(
    private readonly config: KingdeeConfig,
    private readonly deps: KingdeeDeps,
  ) {}

  /** Calls a service; returns the parsed body (ResponseStatus checking is the caller's). */
  async call(service: string, parameters: readonly unknown[], scope: RequestScope | AbortSignal): Promise<unknown> {
    await this.ensureSession(scope);
    const first = await this.post(service, parameters, scope);
    if (!sessionLost(statusOf(first))) return first;
    this.cookies.clear();
    this.login = null;
    await this.ensureSession(scope);
    const again = await this.post(service, parameters, scope);
    if (sessionLost(statusOf(again))) throw AdapterError.retryable(ADAPTER_ID, 'session_lost', `${short(service)}: session lost again right after a fresh login`);
    return again;
  }

  /** Save/Submit/Audit: the ResponseStatus, or a rejection listing Kingdee's errors. */
  async operation(service: string, formId: string, data: unknown, scope: RequestScope | AbortSignal): Promise<ResponseStatus> {
    const body = await this.call(service, [formId, JSON.stringify(data)], scope);
    const env = Envelope.safeParse(body);
    if (!env.success) throw AdapterError.retryable(ADAPTER_ID, ERROR_CODE.BAD_RESPONSE, `${short(service)}: answer has no Result.ResponseStatus`, { body: JSON.stringify(body).slice(0, 500) });
    const s = env.data.Result.ResponseStatus;
    if (!s.IsSuccess) throw AdapterError.rejected(ADAPTER_ID, vendorErrorCode('kingdee', s.MsgCode ?? s.ErrorCode ?? undefined), `${short(service)} ${formId} failed: ${errorsText(s)}`);
    return s;
  }

  /** ExecuteBillQuery: rows of the requested FieldKeys, or a rejection listing Kingdee's errors. */
  async billQuery(query: Record<string, unknown>, scope: RequestScope | AbortSignal): Promise<unknown[][]> {
    const body = await this.call(SERVICE.BILL_QUERY, [JSON.stringify(query)], scope);
    const s = statusOf(body);
    if (s && !s.IsSuccess) throw AdapterError.rejected(ADAPTER_ID, vendorErrorCode('kingdee', s.MsgCode ?? s.ErrorCode ?? undefined), `ExecuteBillQuery failed: ${errorsText(s)}`);
    const rows = z.array(z.array(z.unknown())).safeParse(body);
    if (!rows.success) throw AdapterError.retryable(ADAPTER_ID, ERROR_CODE.BAD_RESPONSE, 'ExecuteBillQuery: answer is not a list of rows', { body: JSON.stringify(body).slice(0, 500) });
    return rows.data;
  }

  private ensureSession(scope: RequestScope | AbortSignal): Promise<void> {
    if (this.cookies.size > 0) return Promise.resolve();
    this.login ??= this.doLogin(scope).catch((err: unknown) => {
      this.login = null;
      throw err;
    });
    return this.login;
  }

  private async doLogin(scope: RequestScope | AbortSignal): Promise<void> {
    const c = this.config;
    this.logins++;
    const { body, setCookies } = await this.send(SERVICE.LOGIN, [c.acctId, c.username, c.appId, c.appSecret, c.lcid], scope, false);
    const r = LoginResult.safeParse(body);
    if (!r.success) throw AdapterError.retryable(ADAPTER_ID, ERROR_CODE.BAD_RESPONSE, 'LoginByAppSecret: unexpected answer', { body: JSON.stringify(body).slice(0, 300) });
    if (r.data.LoginResultType !== LOGIN_OK) {
      const msg = `login refused (LoginResultType ${r.data.LoginResultType}): ${r.data.Message ?? ''}`;
      if (r.data.LoginResultType === LOGIN_EXCEPTION) throw AdapterError.retryable(ADAPTER_ID, 'login_exception', msg);
      throw AdapterError.rejected(ADAPTER_ID, 'login_refused', msg);
    }
    this.absorb(setCookies);
    // Some gateways strip Set-Cookie; the body carries the same session id.
    if (!this.cookies.has('kdservice-sessionid') && r.data.KDSVCSessionId) this.cookies.set('kdservice-sessionid', r.data.KDSVCSessionId);
    if (this.cookies.size === 0) throw AdapterError.retryable(ADAPTER_ID, 'no_session', 'login succeeded but gave no session cookie');
  }

  private absorb(setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const [pair] = line.split(';');
      const i = pair ? pair.indexOf('=') : -1;
      if (!pair || i < 0) continue;
      const name = pair.slice(0, i).trim();
      if (SESSION_COOKIES.some((n) => n === name)) this.cookies.set(name, pair.slice(i + 1).trim());
    }
  }

  private async post(service: string, parameters: readonly unknown[], scope: RequestScope | AbortSignal): Promise<unknown> {
    const { body, setCookies } = await this.send(service, parameters, scope, true);
    this.absorb(setCookies);
    return body;
  }

  private async send(service: string, parameters: readonly unknown[], scope: RequestScope | AbortSignal, withSession: boolean): Promise<{ body: unknown; setCookies: string[] }> {
    // Every request spends its own rate-limit token, the login included.
    const signal = await beforeRequest(scope, short(service));
    const url = `${this.config.baseUrl.replace(/\/+$/, '')}/${service}.common.kdsvc`;
    const headers: Record<string, string> = {};
    if (withSession && this.cookies.size) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await request({ adapter: ADAPTER_ID, what: short(service), fetch: this.deps.fetch, url, init: jsonPost(JSON.stringify({ parameters }), headers), signal, timeoutMs: this.config.timeoutMs });
    return { body: res.body, setCookies: res.headers.getSetCookie() };
  }
}

function short(service: string): string {
  return service.slice(service.lastIndexOf('.', service.lastIndexOf('.') - 1) + 1);
}
