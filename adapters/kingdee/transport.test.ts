import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../src/sdk/errors.js';
import { BASE, config, fakeKingdee, recordingFetch, SESSION_LOST } from './testing.js';
import { KingdeeTransport, SERVICE } from './transport.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const never = new AbortController().signal;
const QUERY = { FormId: 'SAL_SaleOrder', FieldKeys: 'FID', FilterString: "FBillNo='X'" };

describe('Kingdee session', () => {
  it('logs in with [acctId, username, appId, appSecret, lcid] and sends both session cookies afterwards', async () => {
    const fake = fakeKingdee();
    server.use(...fake.handlers);
    const rec = recordingFetch();
    const t = new KingdeeTransport(config(), { fetch: rec.fetch });
    await t.billQuery(QUERY, never);
    await t.billQuery(QUERY, never);
    expect(fake.state.logins).toBe(1);
    const [login] = fake.state.calls;
    expect(login?.service).toBe(SERVICE.LOGIN);
    expect(login?.parameters).toEqual(['66c3712248af25', 'hub-api', '300001_test', 'app-secret', 2052]);
    expect(rec.cookies).toEqual([null, 'kdservice-sessionid=sid-1; ASP.NET_SessionId=asp-1', 'kdservice-sessionid=sid-1; ASP.NET_SessionId=asp-1']);
  });

  it('concurrent first calls share one login', async () => {
    const fake = fakeKingdee();
    server.use(...fake.handlers);
    const t = new KingdeeTransport(config(), { fetch: globalThis.fetch });
    await Promise.all([t.billQuery(QUERY, never), t.billQuery(QUERY, never), t.billQuery(QUERY, never)]);
    expect(fake.state.logins).toBe(1);
  });

  it('on "session lost" (MsgCode 1) logs in again once and repeats the call', async () => {
    const fake = fakeKingdee();
    server.use(...fake.handlers);
    const t = new KingdeeTransport(config(), { fetch: globalThis.fetch });
    await t.billQuery(QUERY, never);
    fake.state.expireSession(1);
    const s = await t.operation(SERVICE.SUBMIT, 'SAL_SaleOrder', { Numbers: [] }, never);
    expect(s.IsSuccess).toBe(true);
    expect(fake.state.logins).toBe(2);
    expect(fake.state.calls.map((c) => c.service.split('.').at(-1))).toEqual(['LoginByAppSecret', 'ExecuteBillQuery', 'Submit', 'LoginByAppSecret', 'Submit']);
    expect(fake.state.calls.at(-1)?.cookie).toContain('kdservice-sessionid=sid-2');
  });

  it('a session lost again right after re-login is retryable, and it does not loop', async () => {
    const fake = fakeKingdee();
    server.use(...fake.handlers);
    const t = new KingdeeTransport(config(), { fetch: globalThis.fetch });
    fake.state.expireSession(5);
    const err = await t.billQuery(QUERY, never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ code: 'session_lost', retryable: true });
    expect(fake.state.logins).toBe(2);
  });

  it('a refused login is rejected with Kingdee’s message', async () => {
    const fake = fakeKingdee();
    server.use(...fake.handlers);
    const t = new KingdeeTransport(config({ appSecret: 'wrong' }), { fetch: globalThis.fetch });
    await expect(t.billQuery(QUERY, never)).rejects.toMatchObject({ code: 'login_refused', retryable: false, message: expect.stringContaining('第三方系统登录授权验证失败') });
  });

  it('takes the session id from the login body when no Set-Cookie arrives', async () => {
    server.use(
      http.post(`${BASE}/${SERVICE.LOGIN}.common.kdsvc`, () => HttpResponse.json({ LoginResultType: 1, KDSVCSessionId: 'body-sid' })),
      http.post(`${BASE}/${SERVICE.BILL_QUERY}.common.kdsvc`, () => HttpResponse.json([])),
    );
    const rec = recordingFetch();
    await new KingdeeTransport(config(), { fetch: rec.fetch }).billQuery(QUERY, never);
    expect(rec.cookies).toEqual([null, 'kdservice-sessionid=body-sid']);
  });
});

describe('Kingdee failures', () => {
  it('HTTP 504 (the ERP timeout of the case study) is retryable, 403 rejected', async () => {
    server.use(http.post(`${BASE}/${SERVICE.LOGIN}.common.kdsvc`, () => new HttpResponse('Gateway Timeout', { status: 504 })));
    await expect(new KingdeeTransport(config(), { fetch: globalThis.fetch }).billQuery(QUERY, never)).rejects.toMatchObject({ code: 'http_504', retryable: true });
    server.use(http.post(`${BASE}/${SERVICE.LOGIN}.common.kdsvc`, () => new HttpResponse('no', { status: 403 })));
    await expect(new KingdeeTransport(config(), { fetch: globalThis.fetch }).billQuery(QUERY, never)).rejects.toMatchObject({ code: 'http_403', retryable: false });
  });

  it('a session-lost answer is recognised inside the ExecuteBillQuery [[...]] wrapping too', async () => {
    let n = 0;
    server.use(
      http.post(`${BASE}/${SERVICE.LOGIN}.common.kdsvc`, () => HttpResponse.json({ LoginResultType: 1, KDSVCSessionId: `s${++n}` })),
      http.post(`${BASE}/${SERVICE.BILL_QUERY}.common.kdsvc`, ({ request }) => HttpResponse.json(request.headers.get('cookie')?.includes('s2') ? [[1, 'X', 'A']] : [[SESSION_LOST]])),
    );
    expect(await new KingdeeTransport(config(), { fetch: globalThis.fetch }).billQuery(QUERY, never)).toEqual([[1, 'X', 'A']]);
  });
});
