import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SANDBOX_FAULT } from '../../src/sandbox/core.js';
import { sandboxCtx, sandboxDeps } from '../../src/sandbox/testing.js';
import type { AdapterInstance } from '../../src/sdk/define.js';
import dingtalk from './index.js';
import { DINGTALK_SANDBOX_PATH, sandbox, type DingtalkSandbox, type DingtalkSandboxOptions } from './sandbox.js';
import { dingtalkSign } from './sign.js';

let sb: DingtalkSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

async function setUp(opts: DingtalkSandboxOptions = {}, patch: Record<string, unknown> = {}, now?: () => Date): Promise<{ sb: DingtalkSandbox; adapter: AdapterInstance }> {
  sb = await sandbox.start(opts);
  return { sb, adapter: await dingtalk.create(dingtalk.configSchema.parse({ ...sb.connectorConfig(), ...patch }), sandboxDeps(now)) };
}

const ALERT = { title: 'Risk hold', text: 'phone 13812345678 placed 6 orders in 24 h', severity: 'warning', orderKey: 'youzan-main:E1' } as const;

describe('DingTalk robot sandbox, driven by the real adapter', () => {
  it('checks timestamp+sign and records the signed markdown message, masked', async () => {
    const { sb, adapter } = await setUp();
    expect(await adapter.invoke('alert.send', ALERT, sandboxCtx('a'))).toEqual({ sent: true, msgtype: 'markdown' });
    expect(sb.state().messages).toEqual([
      expect.objectContaining({ msgtype: 'markdown', title: '[WARNING] Risk hold', content: '### [WARNING] Risk hold\n\nphone 138****5678 placed 6 orders in 24 h\n\n> order: youzan-main:E1', mentions: { users: [], mobiles: [], all: false } }),
    ]);
  });

  it('a wrong sign secret, a stale timestamp and a missing sign are 310000; a wrong token 300001: all rejected', async () => {
    const { sb } = await setUp();
    const cases: [Record<string, unknown>, (() => Date) | undefined, string][] = [
      [{ signSecret: 'SECother' }, undefined, 'errcode_310000'],
      [{}, () => new Date(Date.now() - 2 * 3_600_000), 'errcode_310000'],
      [{ signSecret: undefined }, undefined, 'errcode_310000'],
      [{ accessToken: 'other' }, undefined, 'errcode_300001'],
    ];
    for (const [patch, now, code] of cases) {
      const cfg: Record<string, unknown> = { ...sb.connectorConfig(), ...patch };
      if ('signSecret' in patch && patch['signSecret'] === undefined) delete cfg['signSecret'];
      const a = await dingtalk.create(dingtalk.configSchema.parse(cfg), sandboxDeps(now));
      await expect(a.invoke('alert.send', ALERT, sandboxCtx('x'))).rejects.toMatchObject({ code, retryable: false });
    }
    expect(sb.state().counts).toEqual({ accepted: 0, refused: 4 });
    expect(sb.log.of('message.refused').map((e) => z.object({ errmsg: z.string() }).parse(e.data).errmsg.split(',')[0])).toEqual(['sign not match', 'invalid timestamp', 'invalid timestamp', 'token is not exist']);
  });

  it('keywords guard: a message without one is 310000; a robot without 加签 takes unsigned calls', async () => {
    const { sb, adapter } = await setUp({ signSecret: null, keywords: ['Risk'] }, { msgtype: 'text' });
    await expect(adapter.invoke('alert.send', ALERT, sandboxCtx('a'))).resolves.toMatchObject({ sent: true, msgtype: 'text' });
    await expect(adapter.invoke('alert.send', { ...ALERT, title: 'Stock low' }, sandboxCtx('b'))).rejects.toMatchObject({ code: 'errcode_310000' });
    expect(sb.state().messages.map((m) => m.content)).toEqual(['[WARNING] Risk hold\nphone 138****5678 placed 6 orders in 24 h\norder: youzan-main:E1']);
  });

  it('fault switch and throttle: forced sign failure is 310000, the 21st message in a minute 130101 (retryable)', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const { sb, adapter } = await setUp({ clock: () => now }, {}, () => now);
    sb.server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: 1 });
    await expect(adapter.invoke('alert.send', ALERT, sandboxCtx('x'))).rejects.toMatchObject({ code: 'errcode_310000' });
    for (let i = 0; i < 20; i++) await adapter.invoke('alert.send', ALERT, sandboxCtx(`m${i}`));
    await expect(adapter.invoke('alert.send', ALERT, sandboxCtx('x'))).rejects.toMatchObject({ code: 'errcode_130101', retryable: true });
    now = new Date(now.getTime() + 60_001);
    await expect(adapter.invoke('alert.send', ALERT, sandboxCtx('y'))).resolves.toMatchObject({ sent: true });
    expect(sb.state().counts).toEqual({ accepted: 21, refused: 2 });
  });

  it('records @ mentions from the at block', async () => {
    const { sb } = await setUp();
    const ts = Date.now();
    const url = `${sb.server.url}${DINGTALK_SANDBOX_PATH}?access_token=sandbox-dingtalk-token&timestamp=${ts}&sign=${dingtalkSign(ts, 'SECsandbox-dingtalk-secret')}`;
    const res = await fetch(url, { method: 'POST', body: JSON.stringify({ msgtype: 'text', text: { content: '@13800001111 look' }, at: { atMobiles: ['13800001111'], atUserIds: ['u1', 'u1'], isAtAll: false } }) });
    expect(await res.json()).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(sb.state().messages[0]?.mentions).toEqual({ users: ['u1'], mobiles: ['13800001111'], all: false });
  });
});
