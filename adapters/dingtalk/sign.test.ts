import { describe, expect, it } from 'vitest';
import { dingtalkSign } from './sign.js';

describe('DingTalk robot signature', () => {
  it('matches a vector computed with openssl and python', () => {
    // printf '%s' "1577262236757
    // SEC123abc" | openssl dgst -sha256 -hmac SEC123abc -binary | base64
    //   -> o50i6lDQOnnBeTNq1pDLqpmh9MTyJHmR+b4hDA3bEeg=
    // python3 -c "import urllib.parse; print(urllib.parse.quote_plus('o50i6lDQOnnBeTNq1pDLqpmh9MTyJHmR+b4hDA3bEeg='))"
    //   -> o50i6lDQOnnBeTNq1pDLqpmh9MTyJHmR%2Bb4hDA3bEeg%3D
    expect(dingtalkSign(1577262236757, 'SEC123abc')).toBe('o50i6lDQOnnBeTNq1pDLqpmh9MTyJHmR%2Bb4hDA3bEeg%3D');
  });
  it('changes with the timestamp and the secret', () => {
    expect(dingtalkSign(1577262236758, 'SEC123abc')).not.toBe(dingtalkSign(1577262236757, 'SEC123abc'));
    expect(dingtalkSign(1577262236757, 'SEC123abd')).not.toBe(dingtalkSign(1577262236757, 'SEC123abc'));
  });
});
