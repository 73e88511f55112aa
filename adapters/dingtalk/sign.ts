import { createHmac } from 'node:crypto';

/**
 * DingTalk robot "加签": sign = urlEncode(base64(HMAC-SHA256(key = secret, timestamp + "\n" + secret))),
 * timestamp in milliseconds; the robot refuses a timestamp more than an hour off.
 * Returned already URL-encoded, to be appended to the query as is (not re-encoded).
 */
export function dingtalkSign(timestampMs: number, secret: string): string {
  const b64 = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
  return encodeURIComponent(b64);
}
