/** Shared by this adapter's tests: a canonical order, configs and a transport with a fixed clock. */
import type { CanonicalOrder } from '../../src/canonical/order.js';
import { wdtConfig, type WdtConfig } from './config.js';
import { WdtTransport } from './transport.js';

export const ENTERPRISE_URL = 'https://wdt.test/openapi2';
export const ULTIMATE_URL = 'https://wdt-ultimate.test/openapi';

export function enterpriseConfig(patch: Partial<WdtConfig> = {}): WdtConfig {
  return wdtConfig.parse({ edition: 'enterprise', baseUrl: ENTERPRISE_URL, sid: 'test2', appkey: 'test2-xx', appsecret: '12345', shopNo: 'api_test', ...patch });
}

export function ultimateConfig(patch: Partial<WdtConfig> = {}): WdtConfig {
  return wdtConfig.parse({ edition: 'ultimate', baseUrl: ULTIMATE_URL, sid: 'apidevnew2', appkey: 'test2-xx', appsecret: 'testsecret:testsalt', shopNo: 'api_test', ...patch });
}

/** 1470042310 s: the enterprise vector's timestamp; 261705600 s after the ultimate epoch. */
export const FIXED_NOW = new Date(1_470_042_310_000);
export const ULTIMATE_FIXED_NOW = new Date((261_705_600 + 1_325_347_200) * 1000);

export function transport(config: WdtConfig, now = config.edition === 'ultimate' ? ULTIMATE_FIXED_NOW : FIXED_NOW): WdtTransport {
  return new WdtTransport(config, { fetch: globalThis.fetch, now: () => now });
}

const cny = (minor: number) => ({ minor, currency: 'CNY' });

/** A paid order: one main line at 299.00 x 1 with 10.00 discount, plus a gift line with its label position. */
export function sampleOrder(patch: Partial<CanonicalOrder> = {}): CanonicalOrder {
  return {
    schemaVersion: 1,
    source: { platform: 'youzan', channel: 'youzan-main', shop: 'shop-1', platformOrderId: 'E20240501000001', receivedAt: '2024-05-01T02:00:05Z' },
    status: 'paid',
    platformStatus: 'WAIT_SELLER_SEND_GOODS',
    orderType: 'normal',
    createdAt: '2024-05-01T01:59:00Z',
    paidAt: '2024-05-01T02:00:00Z',
    currency: 'CNY',
    totals: { goods: cny(29_900), freight: cny(800), discount: cny(1_000), paid: cny(29_700) },
    lines: [
      { lineId: 'E20240501000001-1', platformItemId: 'G1', platformSkuId: 'S1', merchantSku: 'ZP-2026-01', title: '智能饮水机', spec: '白色', quantity: 1, unitPrice: cny(29_900), lineTotal: cny(29_900), discount: cny(1_000), paid: cny(28_900), refundStatus: 'none' },
      { lineId: 'E20240501000001-gift-1', merchantSku: 'FP-001', title: '饮水机滤芯', quantity: 1, unitPrice: cny(0), lineTotal: cny(0), discount: cny(0), refundStatus: 'none', gift: { labelPosition: 'top right of the waybill' } },
    ],
    buyer: { handle: 'buyer-handle-1' },
    recipient: { name: { plaintext: '张三' }, phone: { plaintext: '13800138000' } },
    address: { country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', street: '文新街道', detail: { plaintext: '文一西路 100 号' }, postalCode: '310000' },
    sellerMemo: 'handle with care',
    ...patch,
  };
}
