import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_FAULT } from '../../src/sandbox/core.js';
import { sandboxCtx, sandboxDeps } from '../../src/sandbox/testing.js';
import type { AdapterInstance } from '../../src/sdk/define.js';
import wecom from './index.js';
import { sandbox, WECOM_SANDBOX_PATH, type WecomSandbox, type WecomSandboxOptions } from './sandbox.js';

let sb: WecomSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

async function setUp(opts: WecomSandboxOptions = {}, msgtype: 'markdown' | 'text' = 'markdown'): Promise<{ sb: WecomSandbox; adapter: AdapterInstance }> {
  sb = await sandbox.start(opts);
  return { sb, adapter: await wecom.create(wecom.configSchema.parse({ ...sb.connectorConfig(), msgtype }), sandboxDeps()) };
}

const ALERT = { title: 'Risk hold', text: 'phone 13812345678 placed 6 orders in 24 h', severity: 'warning', orderKey: 'youzan-main:E1' } as const;

describe('WeCom robot sandbox, driven by the real adapter', () => {
  it('records each message as the robot received it: masked, with its type', async () => {
    const { sb, adapter } = await setUp();
    expect(await adapter.invoke('alert.send', ALERT, sandboxCtx('a'))).toEqual({ sent: true, msgtype: 'markdown' });
    const text = await wecom.create(wecom.configSchema.parse({ ...sb.connectorConfig(), msgtype: 'text' }), sandboxDeps());
    await text.invoke('alert.send', { ...ALERT, severity: 'critical' }, sandboxCtx('b'));
    const st = sb.state();
    expect(st.counts).toEqual({ accepted: 2, refused: 0 });
    expect(st.messages.map((m) => [m.msgtype, m.content])).toEqual([
      ['markdown', '**<font color="comment">[WARNING]</font> Risk hold**\nphone 138****5678 placed 6 orders in 24 h\n> order: youzan-main:E1'],
      ['text', '[CRITICAL] Risk hold\nphone 138****5678 placed 6 orders in 24 h\norder: youzan-main:E1'],
    ]);
    expect(JSON.stringify(st)).not.toContain('13812345678');
  });

  it('a wrong key is 93000 (rejected); a forced bad-signature fault answers the same', async () => {
    const { sb, adapter } = await setUp();
    const wrong = await wecom.create(wecom.configSchema.parse({ ...sb.connectorConfig(), key: 'other' }), sandboxDeps());
    await expect(wrong.invoke('alert.send', ALERT, sandboxCtx('a'))).rejects.toMatchObject({ code: 'errcode_93000', retryable: false });
    sb.server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: 1 });
    await expect(adapter.invoke('alert.send', ALERT, sandboxCtx('a'))).rejects.toMatchObject({ code: 'errcode_93000' });
    await expect(adapter.invoke('alert.send', ALERT, sandboxCtx('a'))).resolves.toMatchObject({ sent: true });
    expect(sb.state().counts).toEqual({ accepted: 1, refused: 2 });
  });

  it('past the per-minute limit the robot answers 45009 (retryable) until the minute has passed', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const { sb, adapter } = await setUp({ perMinute: 2, clock: () => now });
    await adapter.invoke('alert.send', ALERT, sandboxCtx('1'));
    await adapter.invoke('alert.send', ALERT, sandboxCtx('2'));
    await expect(adapter.invoke('alert.send', ALERT, sandboxCtx('3'))).rejects.toMatchObject({ code: 'errcode_45009', retryable: true });
    now = new Date(now.getTime() + 61_000);
    await expect(adapter.invoke('alert.send', ALERT, sandboxCtx('4'))).resolves.toMatchObject({ sent: true });
    expect(sb.state().counts).toEqual({ accepted: 3, refused: 1 });
  });

  it('keeps mentions on the wire level: text mention lists and inline markdown <@id>; an unknown msgtype is 40008', async () => {
    const { sb } = await setUp();
    const post = async (body: unknown) => (await fetch(`${sb.server.url}${WECOM_SANDBOX_PATH}?key=sandbox-wecom-key`, { method: 'POST', body: JSON.stringify(body) })).json();
    expect(await post({ msgtype: 'text', text: { content: 'ship it', mentioned_list: ['wang', '@all'], mentioned_mobile_list: ['13800001111'] } })).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(await post({ msgtype: 'markdown', markdown: { content: 'ping <@li> and <@li>' } })).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(await post({ msgtype: 'news', news: {} })).toMatchObject({ errcode: 40008 });
    expect(await post({ msgtype: 'text', text: { content: 'x'.repeat(2049) } })).toMatchObject({ errcode: 40058 });
    expect(sb.state().messages.map((m) => m.mentions)).toEqual([
      { users: ['wang'], mobiles: ['13800001111'], all: true },
      { users: ['li'], mobiles: [], all: false },
    ]);
  });
});
