import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CanonicalOrder } from '../canonical/order.js';
import { packageRoot } from '../util/package-info.js';
import { DEFAULT_PII_VIEWS, orderForView, PII_VIEW, piiViewFor } from './pii-view.js';

const order = CanonicalOrder.parse(JSON.parse(readFileSync(path.join(packageRoot(), 'mappings/shopify/__fixtures__/order.v1/paid-two-lines.expected.json'), 'utf8')));
const state = { orderKey: 'shopify-test:1', order, hold: { reason: 'address_change_review', message: 'new address 123 Shipping Street for Steve Shipper', level: null } };
const PII_TEXT = ['jon@example.com', 'Steve Shipper', '555-555-SHIP', '123 Shipping Street', '40003', 'shopify-customer:'];

describe('orderForView', () => {
  it('full: the order as the platform sent it', () => {
    expect(orderForView(state, PII_VIEW.FULL)).toEqual(state);
  });

  it('shipping: address and recipient name to ship, the phone masked, no buyer account', () => {
    const v = orderForView(state, PII_VIEW.SHIPPING);
    expect(v.order.address).toMatchObject({ country: 'US', city: 'Shippington', detail: { plaintext: '123 Shipping Street' }, postalCode: '40003' });
    expect(v.order.address).not.toHaveProperty('raw');
    expect(v.order.recipient).toEqual({ name: { plaintext: 'Steve Shipper' }, phone: { masked: '********SHIP' } });
    expect(v.order.buyer).toEqual({ handle: null });
    expect(JSON.stringify(v)).not.toContain('jon@example.com');
    expect(JSON.stringify(v)).not.toContain('555-555');
    // Still a valid canonical order: clients parse it with the same schema.
    expect(CanonicalOrder.safeParse(v.order).success).toBe(true);
  });

  it('none: no personal data anywhere in the answer, region only', () => {
    const v = orderForView(state, PII_VIEW.NONE);
    const text = JSON.stringify(v);
    for (const t of PII_TEXT) expect(text).not.toContain(t);
    expect(v.order.address).toMatchObject({ country: 'US', province: 'Kentucky', city: 'Shippington', detail: null });
    expect(v.order.lines).toEqual(order.lines);
    expect(v.order.totals).toEqual(order.totals);
    expect(CanonicalOrder.safeParse(v.order).success).toBe(true);
  });

  it('does not change the state it is given', () => {
    const before = JSON.stringify(state);
    orderForView(state, PII_VIEW.NONE);
    orderForView(state, PII_VIEW.SHIPPING);
    expect(JSON.stringify(state)).toBe(before);
  });
});

describe('piiViewFor', () => {
  it('by default: warehouse shipping, finance none, customer service full', () => {
    expect(piiViewFor(['warehouse'], DEFAULT_PII_VIEWS)).toBe('shipping');
    expect(piiViewFor(['finance'], DEFAULT_PII_VIEWS)).toBe('none');
    expect(piiViewFor(['customer_service'], DEFAULT_PII_VIEWS)).toBe('full');
  });

  it('the widest view of a key with several roles; an unconfigured role sees none', () => {
    expect(piiViewFor(['finance', 'warehouse'], DEFAULT_PII_VIEWS)).toBe('shipping');
    expect(piiViewFor(['sre'], { warehouse: 'full' })).toBe('none');
    expect(piiViewFor(['warehouse'], { warehouse: 'none' })).toBe('none');
  });
});
