import type { CanonicalOrder } from './order.js';

/** Region kept, street detail masked: enough to audit a change without copying the address. */
export function maskAddress(a: CanonicalOrder['address']): Record<string, string | null> {
  const pick = (p: { plaintext?: string | null; ciphertext?: string | null; masked?: string | null } | null | undefined) => p?.masked ?? (p?.plaintext ? `${p.plaintext.slice(0, 2)}***` : p?.ciphertext ? '[ciphertext]' : null);
  return { country: a.country, province: a.province, city: a.city, district: a.district, street: a.street ? `${a.street.slice(0, 2)}***` : null, detail: pick(a.detail) };
}
