import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';

describe('afterSales config', () => {
  it('defaults: 48 h SLA, restock, customer service works cases, finance sees refunds', () => {
    const r = parseConfig({}, {});
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.config.afterSales).toMatchObject({ slaHours: 48, defaultAssignee: { kind: 'team', id: 'customer-service' }, returns: { disposition: 'restock', quarantineLocation: 'RETURNS-QC' }, roles: { work: ['customer_service'], viewRefunds: ['finance'] }, numberUtcOffsetMinutes: 480 });
  });
  it('names the field of a bad rule', () => {
    const r = parseConfig({ afterSales: { assignment: [{ minAmount: 500, maxAmount: 100, assignee: { kind: 'team', id: 'cs' } }, { type: ['gift'], assignee: { kind: 'crew', id: 'x' } }] } }, {});
    expect(r.ok).toBe(false);
    const paths = r.ok ? [] : r.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['afterSales.assignment[0].minAmount', 'afterSales.assignment[1].type[0]', 'afterSales.assignment[1].assignee.kind']));
  });
  it('returns.wms names a connector that exists', () => {
    const bad = parseConfig({ afterSales: { returns: { wms: 'wdt' } } }, {});
    expect(bad.ok ? [] : bad.problems.map((p) => [p.path, p.message])).toEqual([['afterSales.returns.wms', 'no connector "wdt" in connectors']]);
    const ok = parseConfig({ connectors: [{ id: 'wdt', adapter: 'wangdiantong' }], afterSales: { returns: { wms: 'wdt' } } }, {});
    expect(ok.ok && ok.config.afterSales.returns).toMatchObject({ wms: 'wdt', everyMinutes: 15 });
  });
});
