import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../src/sdk/errors.js';
import { TEST_PARTNER, TEST_URL, readSfRequest, sfEnvelope, sfFail, sfOk, testCtx, testTransport, type SfWireRequest } from './testing.js';
import { javaUrlEncode, sfMsgDigest } from './transport.js';

/*
 * Vectors computed outside this code with the JDK's own URLEncoder (SF's reference SDK signs
 * with it), in /tmp/vec/SfVec.java:
 *   String enc = URLEncoder.encode(msgData + ts + cw, "UTF-8");
 *   Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(enc.getBytes("UTF-8")))
 *   $ java SfVec.java '<msgData>' '<timestamp>' '<checkword>'
 * Vector 2 also equals SF's official Python SDK (urllib.parse.quote_plus, no '*' or '~' in it):
 *   python3 -c "import urllib.parse,hashlib,base64; s='{\"dealType\":2,\"orderId\":\"QIAO-20200605-0031\"}1596525925ehpA2SxjBT0M0QY74VktZbPSx41xO9gt'; print(base64.b64encode(hashlib.md5(urllib.parse.quote_plus(s).encode()).digest()).decode())"
 */
const V1 = {
  msgData: '{"orderId":"ZS-0001","remark":"赠品：饮水机滤芯 x1 *~"}',
  timestamp: '1700000000000',
  checkword: 'fj3kL*9~q',
  encoded: '%7B%22orderId%22%3A%22ZS-0001%22%2C%22remark%22%3A%22%E8%B5%A0%E5%93%81%EF%BC%9A%E9%A5%AE%E6%B0%B4%E6%9C%BA%E6%BB%A4%E8%8A%AF+x1+*%7E%22%7D1700000000000fj3kL*9%7Eq',
  digest: 'qetKAblHp7ACdBgqUnACEw==',
};
const V2 = { msgData: '{"dealType":2,"orderId":"QIAO-20200605-0031"}', timestamp: '1596525925', checkword: 'ehpA2SxjBT0M0QY74VktZbPSx41xO9gt', digest: 'LM3+aZHTdEQYCpScnDfbUg==' };

describe('SF msgDigest', () => {
  it('URL-encodes like java.net.URLEncoder (space +, * kept, ~ encoded)', () => {
    expect(javaUrlEncode(V1.msgData + V1.timestamp + V1.checkword)).toBe(V1.encoded);
  });
  it('matches the vectors computed with the JDK and with SF’s Python SDK', () => {
    expect(sfMsgDigest(V1.msgData, V1.timestamp, V1.checkword)).toBe(V1.digest);
    expect(sfMsgDigest(V2.msgData, V2.timestamp, V2.checkword)).toBe(V2.digest);
  });
  it('changes with any input', () => {
    expect(sfMsgDigest(V2.msgData, '1596525926', V2.checkword)).not.toBe(V2.digest);
    expect(sfMsgDigest(V2.msgData, V2.timestamp, 'other')).not.toBe(V2.digest);
  });
});

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

async function failure(p: Promise<unknown>): Promise<AdapterError> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(err)}`);
  return err;
}

describe('SfTransport', () => {
  it('posts the six documented form fields, signed', async () => {
    const seen: SfWireRequest[] = [];
    let contentType = '';
    server.use(
      http.post(TEST_URL, async ({ request }) => {
        contentType = request.headers.get('content-type') ?? '';
        seen.push(await readSfRequest(request));
        return HttpResponse.json(sfOk({ ok: 1 }));
      }),
    );
    const r = await testTransport().call('EXP_RECE_SEARCH_ROUTES', { trackingNumber: ['SF1'] }, testCtx());
    expect(r).toEqual({ success: true, errorCode: 'S0000', errorMsg: null, msgData: { ok: 1 } });
    expect(contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ partnerID: TEST_PARTNER, serviceCode: 'EXP_RECE_SEARCH_ROUTES', timestamp: String(Date.parse('2024-06-01T00:00:00Z')), digestOk: true, msgData: { trackingNumber: ['SF1'] } });
    expect(seen[0]?.requestID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('accepts apiResultData as an object as well as a JSON string', async () => {
    server.use(http.post(TEST_URL, () => HttpResponse.json({ apiResultCode: 'A1000', apiErrorMsg: '', apiResultData: { success: true, errorCode: 'S0000', msgData: { a: 1 } } })));
    expect((await testTransport().call('EXP_RECE_SEARCH_ROUTES', {}, testCtx())).msgData).toEqual({ a: 1 });
  });

  it('keeps integers beyond 2^53 inside apiResultData exact', async () => {
    server.use(http.post(TEST_URL, () => HttpResponse.json({ apiResultCode: 'A1000', apiResultData: '{"success":true,"msgData":{"n":9007199254740993}}' })));
    expect((await testTransport().call('EXP_RECE_SEARCH_ROUTES', {}, testCtx())).msgData).toEqual({ n: '9007199254740993' });
  });

  it.each([
    ['A1006', 'bad digest', false],
    ['A1001', 'missing parameter', false],
    ['A1004', 'no permission', false],
    ['A1005', 'traffic limited', true],
    ['A1009', 'target service unreachable', true],
    ['A1099', 'system error', true],
  ])('gateway %s (%s) -> retryable %s', async (code, _what, retryable) => {
    server.use(http.post(TEST_URL, () => HttpResponse.json(sfEnvelope(undefined, code, 'msg'))));
    const err = await failure(testTransport().call('EXP_RECE_CREATE_ORDER', {}, testCtx()));
    expect(err.code).toBe(`sf_${code}`);
    expect(err.retryable).toBe(retryable);
  });

  it('callOk maps success:false to rejected, and a busy code to retryable', async () => {
    server.use(http.post(TEST_URL, () => HttpResponse.json(sfFail('20052', '月结卡号不匹配'))));
    const rejected = await failure(testTransport().callOk('EXP_RECE_CREATE_ORDER', {}, testCtx()));
    expect([rejected.code, rejected.retryable]).toEqual(['sf_20052', false]);
    server.use(http.post(TEST_URL, () => HttpResponse.json(sfFail('S0003', '系统繁忙'))));
    const busy = await failure(testTransport().callOk('EXP_RECE_CREATE_ORDER', {}, testCtx()));
    expect([busy.code, busy.retryable]).toEqual(['sf_S0003', true]);
  });

  it.each([
    [503, true],
    [504, true],
    [429, true],
    [400, false],
    [403, false],
  ])('HTTP %i -> retryable %s, with the status kept', async (status, retryable) => {
    server.use(http.post(TEST_URL, () => new HttpResponse('<html>error</html>', { status, headers: { 'content-type': 'text/html' } })));
    const err = await failure(testTransport().call('EXP_RECE_CREATE_ORDER', {}, testCtx()));
    expect([err.code, err.retryable, err.details?.status]).toEqual([`http_${status}`, retryable, status]);
  });

  it('a 200 that is not an SF envelope (a proxy page) is retryable', async () => {
    server.use(http.post(TEST_URL, () => new HttpResponse('<html>maintenance</html>', { status: 200 })));
    const err = await failure(testTransport().call('EXP_RECE_CREATE_ORDER', {}, testCtx()));
    expect([err.code, err.retryable]).toEqual(['bad_response', true]);
  });

  it('a network failure is retryable', async () => {
    server.use(http.post(TEST_URL, () => HttpResponse.error()));
    const err = await failure(testTransport().call('EXP_RECE_CREATE_ORDER', {}, testCtx()));
    expect([err.code, err.retryable]).toEqual(['network', true]);
  });

  it('the AbortSignal from ctx really aborts a slow call', async () => {
    server.use(
      http.post(TEST_URL, async () => {
        await delay(10_000);
        return HttpResponse.json(sfOk({}));
      }),
    );
    const ctrl = new AbortController();
    const started = Date.now();
    setTimeout(() => ctrl.abort(), 100);
    await expect(testTransport({ timeoutMs: 30_000 }).call('EXP_RECE_SEARCH_ROUTES', {}, testCtx({ signal: ctrl.signal }))).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('its own timeout aborts a slow call and says so', async () => {
    server.use(
      http.post(TEST_URL, async () => {
        await delay(10_000);
        return HttpResponse.json(sfOk({}));
      }),
    );
    const started = Date.now();
    const err = await failure(testTransport({ timeoutMs: 150 }).call('EXP_RECE_SEARCH_ROUTES', {}, testCtx()));
    expect([err.code, err.retryable]).toEqual(['timeout', true]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
