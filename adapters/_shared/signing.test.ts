import { describe, expect, it } from 'vitest';
import { formatGmt8, hmacHex, md5Hex, parseGmt8, signaturesEqual, sortedKeyValues, unixSeconds, withoutEmpty } from './signing.js';

describe('signing primitives', () => {
  it('md5 and hmac match openssl', () => {
    // printf '%s' 'abc' | openssl dgst -md5  -> 900150983cd24fb0d6963f7d28e17f72
    expect(md5Hex('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    // printf '%s' 'abc' | openssl dgst -sha256 -hmac key -> 9c196e32dc0175f86f4b1cb89289d6619de6bee699e4c378e68309ed97a1a6ab
    expect(hmacHex('sha256', 'key', 'abc')).toBe('9c196e32dc0175f86f4b1cb89289d6619de6bee699e4c378e68309ed97a1a6ab');
    // printf '%s' 'abc' | openssl dgst -md5 -hmac key -> d2fe98063f876b03193afb49b4979591
    expect(hmacHex('md5', 'key', 'abc')).toBe('d2fe98063f876b03193afb49b4979591');
  });

  it('sorts by key, skips sign and empty values', () => {
    expect(sortedKeyValues({ b: '2', a: '1', sign: 'x', c: '', A: '0' })).toBe('A0a1b2');
    expect(withoutEmpty({ a: '1', b: '', c: undefined })).toEqual({ a: '1' });
  });

  it('compares signatures case-insensitively and refuses other lengths', () => {
    expect(signaturesEqual('ABCDEF', 'abcdef')).toBe(true);
    expect(signaturesEqual('abcdee', 'abcdef')).toBe(false);
    expect(signaturesEqual('abcde', 'abcdef')).toBe(false);
    expect(signaturesEqual('', 'abcdef')).toBe(false);
  });

  it('formats and parses China time regardless of the host zone', () => {
    const d = new Date('2024-01-31T16:30:05Z');
    expect(formatGmt8(d)).toBe('2024-02-01 00:30:05');
    expect(parseGmt8('2024-02-01 00:30:05')?.toISOString()).toBe('2024-01-31T16:30:05.000Z');
    expect(parseGmt8('2024-02-30 00:00:00')).toBeNull();
    expect(parseGmt8('2024-02-01T00:30:05')).toBeNull();
    expect(unixSeconds(new Date(1_700_000_000_999))).toBe(1_700_000_000);
  });
});
