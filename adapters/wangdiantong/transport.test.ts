import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../src/sdk/errors.js';
import { ENTERPRISE_URL, enterpriseConfig, transport, ULTIMATE_URL, ultimateConfig } from './testing.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const never = new AbortController().signal;

async function failure(p: Promise<unknown>): Promise<AdapterError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(err)}`);
  return err;
}

describe('enterprise transport', () => {
  it('form-posts sid, appkey, unix timestamp and the documented signature (vector from sign.test.ts)', async () => {
    let form: URLSearchParams | null = null;
    server.use(
      http.post(`${ENTERPRISE_URL}/trade_push.php`, async ({ request }) => {
        expect(request.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
        form = new URLSearchParams(await request.text());
        return HttpResponse.json({ code: 0, message: '', new_count: 1, chg_count: 0 });
      }),
    );
    const body = await transport(enterpriseConfig()).enterprise('trade_push.php', { shop_no: 'api_test', trade_list: '[{"tid":"T1","receiver_name":"张三"}]' }, never);
    expect(body['new_count']).toBe(1);
    expect(form).not.toBeNull();
    const f = form ?? new URLSearchParams();
    expect(Object.fromEntries(f)).toEqual({
      shop_no: 'api_test',
      trade_list: '[{"tid":"T1","receiver_name":"张三"}]',
      sid: 'test2',
      appkey: 'test2-xx',
      timestamp: '1470042310',
      sign: '6288a5a8fb75c4f317723fd61621674c',
    });
  });

  it('signs with UTF-8 byte lengths when configured', async () => {
    let sign: string | null = null;
    server.use(
      http.post(`${ENTERPRISE_URL}/trade_push.php`, async ({ request }) => {
        sign = new URLSearchParams(await request.text()).get('sign');
        return HttpResponse.json({ code: 0 });
      }),
    );
    await transport(enterpriseConfig({ signLength: 'bytes' })).enterprise('trade_push.php', { shop_no: 'api_test', trade_list: '[{"tid":"T1","receiver_name":"张三"}]' }, never);
    expect(sign).toBe('2c9fe6c4c20781844ab36e3c3e9199d5');
  });

  it('keeps ids beyond 2^53 exact', async () => {
    server.use(http.post(`${ENTERPRISE_URL}/x.php`, () => new HttpResponse('{"code":0,"trades":[{"rec_id":2778958909363191820}]}')));
    const body = await transport(enterpriseConfig()).enterprise('x.php', {}, never);
    expect(body['trades']).toEqual([{ rec_id: '2778958909363191820' }]);
  });

  it('code != 0 is rejected with the WMS code and message', async () => {
    server.use(http.post(`${ENTERPRISE_URL}/x.php`, () => HttpResponse.json({ code: 1007, message: '店铺ID不存在' })));
    const err = await failure(transport(enterpriseConfig()).enterprise('x.php', {}, never));
    expect(err.retryable).toBe(false);
    expect(err.code).toBe('wdt_1007');
    expect(err.message).toContain('店铺ID不存在');
  });

  it('a rate-limit message is retryable with a delay, and configured codes are retryable', async () => {
    server.use(http.post(`${ENTERPRISE_URL}/x.php`, () => HttpResponse.json({ code: 1040, message: '超过每分钟最大调用频率限制，请稍后重试' })));
    const rate = await failure(transport(enterpriseConfig()).enterprise('x.php', {}, never));
    expect(rate.retryable).toBe(true);
    expect(rate.details?.retryAfterMs).toBe(60_000);

    server.use(http.post(`${ENTERPRISE_URL}/x.php`, () => HttpResponse.json({ code: 1012, message: 'x' })));
    expect((await failure(transport(enterpriseConfig()).enterprise('x.php', {}, never))).retryable).toBe(false);
    expect((await failure(transport(enterpriseConfig({ transientCodes: [1012] })).enterprise('x.php', {}, never))).retryable).toBe(true);
  });

  it('HTTP 5xx/429 are retryable, other 4xx rejected, HTML is retryable', async () => {
    server.use(http.post(`${ENTERPRISE_URL}/a.php`, () => new HttpResponse('busy', { status: 503 })));
    server.use(http.post(`${ENTERPRISE_URL}/b.php`, () => new HttpResponse('slow down', { status: 429 })));
    server.use(http.post(`${ENTERPRISE_URL}/c.php`, () => new HttpResponse('no', { status: 403 })));
    server.use(http.post(`${ENTERPRISE_URL}/d.php`, () => new HttpResponse('<html>maintenance</html>', { status: 200 })));
    const t = transport(enterpriseConfig());
    const a = await failure(t.enterprise('a.php', {}, never));
    expect([a.retryable, a.code, a.details?.status]).toEqual([true, 'http_503', 503]);
    expect((await failure(t.enterprise('b.php', {}, never))).retryable).toBe(true);
    expect((await failure(t.enterprise('c.php', {}, never))).retryable).toBe(false);
    const d = await failure(t.enterprise('d.php', {}, never));
    expect([d.retryable, d.code]).toEqual([true, 'bad_response']);
  });

  it('times out as retryable, and a caller abort is passed through unclassified', async () => {
    server.use(
      http.post(`${ENTERPRISE_URL}/slow.php`, async () => {
        await delay(2_000);
        return HttpResponse.json({ code: 0 });
      }),
    );
    const timeout = await failure(transport(enterpriseConfig({ timeoutMs: 50 })).enterprise('slow.php', {}, never));
    expect([timeout.retryable, timeout.code]).toEqual([true, 'timeout']);

    const ac = new AbortController();
    const p = transport(enterpriseConfig()).enterprise('slow.php', {}, ac.signal);
    ac.abort(new Error('workflow cancelled'));
    await expect(p).rejects.toThrow('workflow cancelled');
    await expect(p).rejects.not.toBeInstanceOf(AdapterError);
  });
});

describe('ultimate transport', () => {
  it('puts public params and the signature in the query and the JSON args in the body (vector from sign.test.ts)', async () => {
    let seen: { query: Record<string, string>; body: string } | null = null;
    server.use(
      http.post(ULTIMATE_URL, async ({ request }) => {
        seen = { query: Object.fromEntries(new URL(request.url).searchParams), body: await request.text() };
        return HttpResponse.json({ status: 0, data: { new_count: 1, chg_count: 0 } });
      }),
    );
    await transport(ultimateConfig()).ultimate('sales.RawTrade.pushSelf', ['test', [{ tid: 'T1' }], []], never);
    expect(seen).toEqual({
      query: { sid: 'apidevnew2', key: 'test2-xx', salt: 'testsalt', method: 'sales.RawTrade.pushSelf', timestamp: '261705600', v: '1.0', sign: '39508cc4c1dd6f66fb4d4f0ebe7335c6' },
      body: '["test",[{"tid":"T1"}],[]]',
    });
  });

  it('signs the pager too', async () => {
    let sign: string | null = null;
    server.use(
      http.post(ULTIMATE_URL, ({ request }) => {
        sign = new URL(request.url).searchParams.get('sign');
        return HttpResponse.json({ status: 0, data: [] });
      }),
    );
    await transport(ultimateConfig()).ultimate('wms.StockSpec.search', [{ spec_nos: ['SKU-1'] }], never, { pageSize: 100, pageNo: 0, calcTotal: true });
    expect(sign).toBe('68e715c3b6c393300a559ec628f3a19d');
  });

  it('status 4/5 (database error) and the rate-limit message are retryable; status 1 and 100 are rejected', async () => {
    const t = transport(ultimateConfig());
    const cases: [number, string, boolean][] = [
      [5, '数据库错误', true],
      [4, '数据库错误', true],
      [100, '超过每分钟最大并发次数限制，请稍后重试', true],
      [1, '验证失败', false],
      [100, '店铺编号不存在或已停用', false],
      [7, '时间戳错误', false],
    ];
    for (const [status, message, retryable] of cases) {
      server.use(http.post(ULTIMATE_URL, () => HttpResponse.json({ status, message })));
      const err = await failure(t.ultimate('m', [], never));
      expect([err.code, err.retryable]).toEqual([`wdt_${status}`, retryable]);
    }
  });
});
