import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testContext } from '../../_shared/platform-testing.js';
import type { KuaishouSandbox } from '../sandbox.js';
import type { KuaishouTransport } from '../transport.js';
import { sandboxTransport } from './operations.test-helper.js';
import { confirmShipment } from './shipment-confirm.js';

let sb: KuaishouSandbox;
let transport: KuaishouTransport;
beforeAll(async () => {
  ({ sb, transport } = await sandboxTransport());
  sb.placeOrder({ id: '2015600256209852101', lines: [{ sku: 'A', qty: 2, price: 500 }] });
  sb.placeOrder({ id: '2015600256209852102', status: 10, lines: [{ sku: 'A', qty: 1, price: 500 }] });
});
afterAll(() => sb.close());

describe('kuaishou shipment.confirm', () => {
  it('sends orderId, expressNo and the numeric expressCode; the platform records it', async () => {
    await expect(confirmShipment(transport, { orderId: '2015600256209852101', trackingNumber: 'SF1234567890', carrierCode: '4' }, testContext())).resolves.toEqual({ confirmed: true });
    expect(sb.state().shipments).toMatchObject([{ orderId: '2015600256209852101', companyCode: '4', trackingNumber: 'SF1234567890' }]);
  });
  it('a shipped or unpaid order is refused for good; a non-numeric carrier code is refused before any call', async () => {
    await expect(confirmShipment(transport, { orderId: '2015600256209852101', trackingNumber: 'SF1', carrierCode: '4' }, testContext())).rejects.toMatchObject({ retryable: false });
    await expect(confirmShipment(transport, { orderId: '2015600256209852102', trackingNumber: 'SF1', carrierCode: '4' }, testContext())).rejects.toMatchObject({ retryable: false });
    const before = sb.server.requestCount;
    await expect(confirmShipment(transport, { orderId: '2015600256209852101', trackingNumber: 'SF1', carrierCode: 'SF' }, testContext())).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('carrierCode') });
    expect(sb.server.requestCount).toBe(before);
  });
});
