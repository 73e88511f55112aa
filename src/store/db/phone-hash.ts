import { createHmac } from 'node:crypto';
import type { Pii } from '../../canonical/order.js';

/**
 * A keyed hash of a buyer phone for exact look-up, so the store never needs a decrypted number
 * and a leaked table cannot be reversed by hashing every phone number (the key stays in config).
 * A plaintext number (Shopify, Amazon) is hashed in its digits-only national form, so an operator
 * typing "+86 138-0013-8000" finds "13800138000"; a ciphertext (Taobao, JD, Pinduoduo, Douyin)
 * is hashed as sent, so only the same ciphertext finds it. Masked forms are not unique: no hash.
 */
export type PhoneHasher = (phone: Pii | null | undefined) => string | null;

export function normalisePhone(raw: string): string {
  const digits = raw.replace(/[^\d+]/g, '');
  return digits.replace(/^(\+|00)86(?=1\d{10}$)/, '').replace(/^\+/, '');
}

export function createPhoneHasher(key: string): { ofPii: PhoneHasher; ofPlaintext(raw: string): string; ofCiphertext(raw: string): string } {
  const h = (kind: string, v: string) => createHmac('sha256', key).update(`${kind}:${v}`).digest('hex');
  return {
    ofPii: (p) => (p?.plaintext ? h('p', normalisePhone(p.plaintext)) : p?.ciphertext ? h('c', p.ciphertext) : null),
    ofPlaintext: (raw) => h('p', normalisePhone(raw)),
    ofCiphertext: (raw) => h('c', raw),
  };
}
