import type { RequestScope } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { AlertInput, fitWithTail, maskedAlert, truncateUtf8 } from '../../wecom/alert.js';
import { postRobot } from '../../wecom/transport.js';
import { dingtalkSign } from '../sign.js';

export const ADAPTER_ID = 'dingtalk';

/**
 * DingTalk errcodes treated as transient: 130101 "send too fast" (20 messages a minute per robot,
 * then a 10-minute block) and -1 "system busy". Others (300001 bad token, 310000 keyword / sign /
 * IP check failed, 400xxx bad message) need the config fixed: rejected.
 */
export const DINGTALK_TRANSIENT: Readonly<Record<number, number>> = { 130101: 600_000, [-1]: 5_000 };

/** DingTalk caps a message at 20000 bytes; alerts stay far below it. */
const LIMIT = 18_000;

export interface DingtalkSettings {
  webhookUrl: string;
  accessToken: string;
  signSecret?: string;
  msgtype: 'markdown' | 'text';
  timeoutMs: number;
}

export function dingtalkBody(input: AlertInput, msgtype: DingtalkSettings['msgtype']): Record<string, unknown> {
  const a = maskedAlert(input);
  const all = (input.mentionMobiles ?? []).includes('@all');
  const mobiles = (input.mentionMobiles ?? []).filter((m) => m !== '@all');
  // DingTalk shows a mention only when "@<mobile>" is also in the content; added after masking.
  const tags = mobiles.map((m) => `@${m}`).join(' ');
  const at = mobiles.length || all ? { at: { atMobiles: mobiles, isAtAll: all } } : {};
  if (msgtype === 'markdown') {
    const text = fitWithTail(`### [${a.label}] ${a.title}\n\n${a.text}`, a.orderLines.map((l) => `> ${l}`).join('\n\n'), '\n\n', LIMIT - 1000);
    return { msgtype: 'markdown', markdown: { title: truncateUtf8(`[${a.label}] ${a.title}`, 200), text: text + (tags ? `\n\n${tags}` : '') }, ...at };
  }
  return { msgtype: 'text', text: { content: fitWithTail(`[${a.label}] ${a.title}\n${a.text}`, a.orderLines.join('\n'), '\n', LIMIT - 1000) + (tags ? `\n${tags}` : '') }, ...at };
}

/** alert.send: POST to `{webhookUrl}?access_token=...[&timestamp=...&sign=...]`. */
export async function sendAlert(f: typeof fetch, s: DingtalkSettings, input: unknown, scope: RequestScope | AbortSignal, now: () => Date): Promise<{ sent: true; msgtype: string }> {
  const alert = parseOrReject(ADAPTER_ID, AlertInput, input, 'alert.send input');
  const url = new URL(s.webhookUrl);
  url.searchParams.set('access_token', s.accessToken);
  let href = url.toString();
  if (s.signSecret) {
    const ts = now().getTime();
    // The sign is already URL-encoded; appended by hand so URLSearchParams does not encode it twice.
    href += `&timestamp=${ts}&sign=${dingtalkSign(ts, s.signSecret)}`;
  }
  await postRobot({ adapter: ADAPTER_ID, fetch: f, url: href, body: dingtalkBody(alert, s.msgtype), api: 'robot/send', scope, timeoutMs: s.timeoutMs, transient: DINGTALK_TRANSIENT });
  return { sent: true, msgtype: s.msgtype };
}
