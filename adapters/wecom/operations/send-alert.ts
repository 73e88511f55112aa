import type { RequestScope } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { AlertInput, fitWithTail, maskedAlert } from '../alert.js';
import { postRobot } from '../transport.js';

export const ADAPTER_ID = 'wecom';

/**
 * WeCom errcodes treated as transient: 45009 "api freq out of limit" (a robot takes 20 messages a
 * minute) and -1 "system busy". Everything else (93000 invalid webhook key, 40008 bad message
 * type, 40058 bad content...) needs the config fixed: rejected.
 */
export const WECOM_TRANSIENT: Readonly<Record<number, number>> = { 45009: 60_000, [-1]: 5_000 };

/** WeCom limits: markdown content 4096 bytes, text content 2048 bytes (UTF-8). */
const LIMIT = { markdown: 4096, text: 2048 } as const;

export interface WecomSettings {
  webhookUrl: string;
  key: string;
  msgtype: 'markdown' | 'text';
  timeoutMs: number;
}

export function wecomBody(input: AlertInput, msgtype: WecomSettings['msgtype']): Record<string, unknown> {
  const a = maskedAlert(input);
  const mobiles = input.mentionMobiles ?? [];
  // A markdown message cannot @-mention by mobile: with people to mention it goes out as text.
  if (msgtype === 'markdown' && mobiles.length === 0) {
    const color = input.severity === 'info' ? 'info' : input.severity === 'warning' ? 'comment' : 'warning';
    const head = `**<font color="${color}">[${a.label}]</font> ${a.title}**\n${a.text}`;
    return { msgtype: 'markdown', markdown: { content: fitWithTail(head, a.orderLines.map((l) => `> ${l}`).join('\n'), '\n', LIMIT.markdown) } };
  }
  const content = fitWithTail(`[${a.label}] ${a.title}\n${a.text}`, a.orderLines.join('\n'), '\n', LIMIT.text);
  return { msgtype: 'text', text: { content, ...(mobiles.length ? { mentioned_mobile_list: mobiles } : {}) } };
}

/** alert.send: POST {msgtype, ...} to `{webhookUrl}?key=...`. */
export async function sendAlert(f: typeof fetch, s: WecomSettings, input: unknown, scope: RequestScope | AbortSignal): Promise<{ sent: true; msgtype: string }> {
  const alert = parseOrReject(ADAPTER_ID, AlertInput, input, 'alert.send input');
  const url = new URL(s.webhookUrl);
  url.searchParams.set('key', s.key);
  await postRobot({ adapter: ADAPTER_ID, fetch: f, url: url.toString(), body: wecomBody(alert, s.msgtype), api: 'webhook/send', scope, timeoutMs: s.timeoutMs, transient: WECOM_TRANSIENT });
  return { sent: true, msgtype: s.msgtype };
}
