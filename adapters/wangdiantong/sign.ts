import { createHash } from 'node:crypto';
import type { SignLength } from './config.js';

/** Seconds between the unix epoch and 2012-01-01 00:00:00 GMT+8, the ultimate edition's epoch. */
export const ULTIMATE_EPOCH_S = 1_325_347_200;

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

function measure(s: string, mode: SignLength): number {
  // Code points, as PHP's iconv_strlen(UTF-8) counts them; JS .length would count UTF-16 units.
  return mode === 'bytes' ? Buffer.byteLength(s, 'utf8') : [...s].length;
}

/** `%02d` / `%04d`: zero-padded, but a longer number is written in full, as sprintf does. */
function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The string the enterprise edition signs (exported for tests and the fake server's error text). */
export function enterpriseSignBase(params: Readonly<Record<string, string>>, mode: SignLength): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign')
    .sort()
    .map((k) => {
      const v = params[k] ?? '';
      return `${pad(measure(k, mode), 2)}-${k}:${pad(measure(v, mode), 4)}-${v}`;
    })
    .join(';');
}

/** Enterprise (openapi2/*.php): md5(`LL-key:LLLL-value;...` + appsecret), lowercase hex. */
export function signEnterprise(params: Readonly<Record<string, string>>, appsecret: string, mode: SignLength): string {
  return md5(enterpriseSignBase(params, mode) + appsecret);
}

/**
 * Ultimate (method style): md5(secret + concat(sorted key + value) + secret), lowercase hex. The
 * JSON body takes part as the parameter `body` (then is sent as the request body, not a query key).
 */
export function signUltimate(params: Readonly<Record<string, string>>, secret: string): string {
  const joined = Object.keys(params)
    .filter((k) => k !== 'sign')
    .sort()
    .map((k) => `${k}${params[k] ?? ''}`)
    .join('');
  return md5(secret + joined + secret);
}

/** `secret:salt` -> parts; the salt is sent, the secret never is. */
export function splitUltimateSecret(appsecret: string): { secret: string; salt: string } {
  const i = appsecret.indexOf(':');
  return i < 0 ? { secret: appsecret, salt: '' } : { secret: appsecret.slice(0, i), salt: appsecret.slice(i + 1) };
}

export function ultimateTimestamp(now: Date): number {
  return Math.floor(now.getTime() / 1000) - ULTIMATE_EPOCH_S;
}
