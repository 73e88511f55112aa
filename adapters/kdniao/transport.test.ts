import { describe, expect, it } from 'vitest';
import { kdniaoDataSign, kdniaoFormBody } from './transport.js';

/*
 * Vector worked out outside this code from the documented algorithm (base64 of the HEX string):
 *   RD='{"OrderCode":"","ShipperCode":"SF","LogisticCode":"SF1234567890123","CustomerName":"5678"}'
 *   KEY='56da2cf8-c8a2-44b2-b6fa-476cd7d1ba17'
 *   printf '%s' "$RD$KEY" | openssl dgst -md5 -r | cut -d' ' -f1 | tr -d '\n' | base64 -w0
 *     -> YzdiOGZlMzA5YTU2OGJiZDljMDJhODdjMTg3N2VjZDU=   (md5 hex c7b8fe309a568bbd9c02a87c1877ecd5)
 *   python3 -c "import urllib.parse; print(urllib.parse.quote_plus('YzdiOGZlMzA5YTU2OGJiZDljMDJhODdjMTg3N2VjZDU='))"
 */
const KDNIAO_VECTOR = {
  requestData: '{"OrderCode":"","ShipperCode":"SF","LogisticCode":"SF1234567890123","CustomerName":"5678"}',
  appKey: '56da2cf8-c8a2-44b2-b6fa-476cd7d1ba17',
  dataSign: 'YzdiOGZlMzA5YTU2OGJiZDljMDJhODdjMTg3N2VjZDU%3D',
};

describe('KDNiao DataSign', () => {
  it('matches the vector computed with openssl (base64 of the hex string, URL-encoded)', () => {
    expect(kdniaoDataSign(KDNIAO_VECTOR.requestData, KDNIAO_VECTOR.appKey)).toBe(KDNIAO_VECTOR.dataSign);
  });
  it('is not base64 of the raw digest bytes', () => {
    // printf '%s' "$RD$KEY" | openssl dgst -md5 -binary | base64  -> x7j+MJpWi72cAqh8GHfs1Q==
    expect(decodeURIComponent(kdniaoDataSign(KDNIAO_VECTOR.requestData, KDNIAO_VECTOR.appKey))).not.toBe('x7j+MJpWi72cAqh8GHfs1Q==');
  });
  it('puts DataSign in the body once-encoded and RequestData form-encoded', () => {
    const body = kdniaoFormBody({ eBusinessId: '1234567', requestType: '1002', requestData: KDNIAO_VECTOR.requestData, appKey: KDNIAO_VECTOR.appKey });
    expect(body).toContain(`DataSign=${KDNIAO_VECTOR.dataSign}&`);
    const form = new URLSearchParams(body);
    expect(form.get('RequestData')).toBe(KDNIAO_VECTOR.requestData);
    expect(form.get('DataSign')).toBe('YzdiOGZlMzA5YTU2OGJiZDljMDJhODdjMTg3N2VjZDU=');
    expect([form.get('EBusinessID'), form.get('RequestType'), form.get('DataType')]).toEqual(['1234567', '1002', '2']);
  });
});
