import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testContext } from '../../_shared/platform-testing.js';
import type { WeChatSandbox } from '../sandbox.js';
import type { WeChatTransport } from '../transport.js';
import { sandboxTransport } from './operations.test-helper.js';
import { confirmShipment } from './shipment-confirm.js';

let sb: WeChatSandbox;
let transport: WeChatTransport;
beforeAll(async () => {
  ({ sb, transport } = await sandboxTransport());
  sb.placeOrder({ id: '3705115058471209201', lines: [{ sku: 'A', qty: 2, price: 500 }, { sku: 'B', qty: 1, price: 900 }] });
  sb.placeOrder({ id: '3705115058471209202', status: 10, lines: [{ sku: 'A', qty: 1, price: 500 }] });
});
afterAll(() => sb.close());

describe('wechat-channels shipment.confirm', () => {
  it('sends the whole order under one waybill and the platform records it', async () => {
    await expect(confirmShipment(transport, { orderId: '3705115058471209201', trackingNumber: 'SF1234567890', carrierCode: 'SF' }, testContext())).resolves.toEqual({ confirmed: true });
    expect(sb.state().shipments).toMatchObject([{ orderId: '3705115058471209201', companyCode: 'SF', trackingNumber: 'SF1234567890' }]);
  });
  it('a second confirmation and an unpaid order are refused for good; bad input before any call', async () => {
    await expect(confirmShipment(transport, { orderId: '3705115058471209201', trackingNumber: 'SF1', carrierCode: 'SF' }, testContext())).rejects.toMatchObject({ code: 'wechat_109001', retryable: false });
    await expect(confirmShipment(transport, { orderId: '3705115058471209202', trackingNumber: 'SF1', carrierCode: 'SF' }, testContext())).rejects.toMatchObject({ retryable: false });
    const before = sb.server.requestCount;
    await expect(confirmShipment(transport, { orderId: 'abc', trackingNumber: 'SF1', carrierCode: 'SF' }, testContext())).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('orderId') });
    expect(sb.server.requestCount).toBe(before);
  });
});
