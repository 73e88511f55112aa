import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { sendAlert, wecomBody, type WecomSettings } from './send-alert.js';

const HOOK = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const never = new AbortController().signal;
const settings = (msgtype: WecomSettings['msgtype'] = 'markdown'): WecomSettings => ({ webhookUrl: HOOK, key: 'robot-key-1', msgtype, timeoutMs: 2_000 });

const ALERT = { title: 'Risk hold', text: 'phone 13812345678 placed 6 orders in 24 h', severity: 'warning', orderKey: 'youzan-main:E1' } as const;

describe('WeCom alert.send', () => {
  it('posts markdown with the key as query param, and the phone number masked before sending', async () => {
    let seen: { key: string | null; raw: string } | null = null;
    server.use(
      http.post(HOOK, async ({ request }) => {
        seen = { key: new URL(request.url).searchParams.get('key'), raw: await request.text() };
        return HttpResponse.json({ errcode: 0, errmsg: 'ok' });
      }),
    );
    await expect(sendAlert(globalThis.fetch, settings(), ALERT, never)).resolves.toEqual({ sent: true, msgtype: 'markdown' });
    expect(seen).not.toBeNull();
    const s = seen ?? { key: null, raw: '' };
    expect(s.key).toBe('robot-key-1');
    expect(s.raw).not.toContain('13812345678');
    expect(JSON.parse(s.raw)).toEqual({
      msgtype: 'markdown',
      markdown: { content: '**<font color="comment">[WARNING]</font> Risk hold**\nphone 138****5678 placed 6 orders in 24 h\n> order: youzan-main:E1' },
    });
  });

  it('text messages are masked too', async () => {
    let raw = '';
    server.use(
      http.post(HOOK, async ({ request }) => {
        raw = await request.text();
        return HttpResponse.json({ errcode: 0, errmsg: 'ok' });
      }),
    );
    await sendAlert(globalThis.fetch, settings('text'), { ...ALERT, severity: 'critical' }, never);
    expect(JSON.parse(raw)).toEqual({ msgtype: 'text', text: { content: '[CRITICAL] Risk hold\nphone 138****5678 placed 6 orders in 24 h\norder: youzan-main:E1' } });
  });

  it('45009 (rate limit) is retryable with a wait; 93000 (bad key) is rejected', async () => {
    server.use(http.post(HOOK, () => HttpResponse.json({ errcode: 45009, errmsg: 'api freq out of limit' })));
    const rate = await sendAlert(globalThis.fetch, settings(), ALERT, never).catch((e: unknown) => e);
    expect(rate).toBeInstanceOf(AdapterError);
    expect(rate).toMatchObject({ code: 'errcode_45009', retryable: true, details: { retryAfterMs: 60_000 } });

    server.use(http.post(HOOK, () => HttpResponse.json({ errcode: 93000, errmsg: 'invalid webhook url' })));
    await expect(sendAlert(globalThis.fetch, settings(), ALERT, never)).rejects.toMatchObject({ code: 'errcode_93000', retryable: false });
  });

  it('HTTP 502 is retryable and the error never carries the key', async () => {
    server.use(http.post(HOOK, () => new HttpResponse('bad gateway', { status: 502 })));
    const err = await sendAlert(globalThis.fetch, settings(), ALERT, never).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'http_502', retryable: true });
    expect(JSON.stringify(err) + String(err)).not.toContain('robot-key-1');
  });

  it('bad input is rejected without a call', async () => {
    await expect(sendAlert(globalThis.fetch, settings(), { title: 'x', text: 'y', severity: 'loud' }, never)).rejects.toMatchObject({ code: 'invalid_input', retryable: false });
  });
});

describe('WeCom mentions', () => {
  it('a message naming people goes out as text with mentioned_mobile_list (markdown cannot @ by mobile)', () => {
    expect(wecomBody({ ...ALERT, mentionMobiles: ['13900000003'] }, 'markdown')).toEqual({
      msgtype: 'text',
      text: { content: '[WARNING] Risk hold\nphone 138****5678 placed 6 orders in 24 h\norder: youzan-main:E1', mentioned_mobile_list: ['13900000003'] },
    });
  });
  it('refuses a mention that is not a mobile, naming the field', async () => {
    const err: unknown = await sendAlert(globalThis.fetch, settings(), { ...ALERT, mentionMobiles: ['zhang.san'] }, never).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invalid_input', retryable: false });
    expect(String((err as Error).message)).toContain('mentionMobiles.0');
  });
});

describe('WeCom merged messages', () => {
  const keys = ['pdd-shop:261206-55500000002', 'pdd-shop:261206-55500000003'];
  const content = (body: Record<string, unknown>): string => {
    const text = body['text'] as { content?: string } | undefined;
    const markdown = body['markdown'] as { content?: string } | undefined;
    return text?.content ?? markdown?.content ?? '';
  };
  it('ends with one unmasked order line per order it carries', () => {
    for (const msgtype of ['markdown', 'text'] as const) {
      const lines = content(wecomBody({ title: '2 条通知', text: 'a\n\nb', severity: 'warning', orderKeys: keys }, msgtype)).split('\n').slice(-2);
      expect(lines.map((l) => l.replace(/^> /, ''))).toEqual(keys.map((k) => `order: ${k}`));
    }
  });
  it('keeps its order lines when its text is cut to the robot limit', () => {
    const c = content(wecomBody({ title: '2 条通知', text: '库存不足 '.repeat(300), severity: 'warning', orderKeys: keys }, 'text'));
    expect(Buffer.byteLength(c, 'utf8')).toBeLessThanOrEqual(2048);
    expect(c).toContain('…');
    expect(c.split('\n').slice(-2)).toEqual(keys.map((k) => `order: ${k}`));
  });
});
