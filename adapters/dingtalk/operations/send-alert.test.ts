import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dingtalkBody, sendAlert, type DingtalkSettings } from './send-alert.js';

const HOOK = 'https://oapi.dingtalk.com/robot/send';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const never = new AbortController().signal;
const NOW = () => new Date(1577262236757);
const settings = (patch: Partial<DingtalkSettings> = {}): DingtalkSettings => ({ webhookUrl: HOOK, accessToken: 'tok-1', signSecret: 'SEC123abc', msgtype: 'markdown', timeoutMs: 2_000, ...patch });
const ALERT = { title: 'WMS push failed 3 times', text: 'receiver 13812345678, tid E1', severity: 'critical', orderKey: 'youzan-main:E1' } as const;

describe('DingTalk alert.send', () => {
  it('signs with timestamp + sign query params (the vector from sign.test.ts) and masks the phone', async () => {
    let seen: { rawQuery: string; params: Record<string, string>; raw: string } | null = null;
    server.use(
      http.post(HOOK, async ({ request }) => {
        const u = new URL(request.url);
        seen = { rawQuery: u.search, params: Object.fromEntries(u.searchParams), raw: await request.text() };
        return HttpResponse.json({ errcode: 0, errmsg: 'ok' });
      }),
    );
    await expect(sendAlert(globalThis.fetch, settings(), ALERT, never, NOW)).resolves.toEqual({ sent: true, msgtype: 'markdown' });
    const s = seen ?? { rawQuery: '', params: {}, raw: '' };
    expect(s.rawQuery).toContain('&sign=o50i6lDQOnnBeTNq1pDLqpmh9MTyJHmR%2Bb4hDA3bEeg%3D');
    expect(s.params).toEqual({ access_token: 'tok-1', timestamp: '1577262236757', sign: 'o50i6lDQOnnBeTNq1pDLqpmh9MTyJHmR+b4hDA3bEeg=' });
    expect(s.raw).not.toContain('13812345678');
    expect(JSON.parse(s.raw)).toEqual({
      msgtype: 'markdown',
      markdown: { title: '[CRITICAL] WMS push failed 3 times', text: '### [CRITICAL] WMS push failed 3 times\n\nreceiver 138****5678, tid E1\n\n> order: youzan-main:E1' },
    });
  });

  it('without a signing secret it sends no timestamp/sign', async () => {
    let params: Record<string, string> = {};
    server.use(
      http.post(HOOK, ({ request }) => {
        params = Object.fromEntries(new URL(request.url).searchParams);
        return HttpResponse.json({ errcode: 0, errmsg: 'ok' });
      }),
    );
    await sendAlert(globalThis.fetch, settings({ signSecret: undefined, msgtype: 'text' }), ALERT, never, NOW);
    expect(params).toEqual({ access_token: 'tok-1' });
  });

  it('130101 (too fast) is retryable; 310000 (sign/keyword check) is rejected', async () => {
    server.use(http.post(HOOK, () => HttpResponse.json({ errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' })));
    await expect(sendAlert(globalThis.fetch, settings(), ALERT, never, NOW)).rejects.toMatchObject({ code: 'errcode_130101', retryable: true, details: { retryAfterMs: 600_000 } });
    server.use(http.post(HOOK, () => HttpResponse.json({ errcode: 310000, errmsg: 'sign not match' })));
    await expect(sendAlert(globalThis.fetch, settings(), ALERT, never, NOW)).rejects.toMatchObject({ code: 'errcode_310000', retryable: false });
  });
});

describe('DingTalk mentions', () => {
  it('puts the mobiles in at.atMobiles and "@mobile" in the text, after the masking of the body', () => {
    const body = dingtalkBody({ ...ALERT, mentionMobiles: ['13900000003', '@all'] }, 'text');
    expect(body).toEqual({
      msgtype: 'text',
      text: { content: '[CRITICAL] WMS push failed 3 times\nreceiver 138****5678, tid E1\norder: youzan-main:E1\n@13900000003' },
      at: { atMobiles: ['13900000003'], isAtAll: true },
    });
  });
  it('without mentions the body has no at block', () => {
    expect(dingtalkBody(ALERT, 'markdown')).not.toHaveProperty('at');
  });
});
