import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dbMigrateCommand } from '../src/cli/db.js';
import { financeExportCommand } from '../src/cli/finance.js';
import { sql } from 'kysely';
import { inject } from 'vitest';
import { connectStore, type StoreDb } from '../src/store/db/connect.js';
import { appliedMigrations, migrateDownOne, migrateToLatest } from '../src/store/db/migrate.js';
import { OrderStore } from '../src/store/db/order-store.js';
import type { OrderProjection } from '../src/store/db/projection.js';
import { createLogger } from '../src/logger.js';
import { canonicalOrder } from './support/lifecycle-builders.js';
import { testSchema } from './support/store.js';

const logger = createLogger({ level: 'silent' });

function projection(over: Partial<OrderProjection> & { workflowId: string; seq: number }, order = canonicalOrder()): OrderProjection {
  return { orderKey: `${order.source.channel}:${order.source.platformOrderId}`, state: 'paid', platformStatus: order.platformStatus, order, timeline: [], hold: null, waybillNo: null, carrier: null, confirmedWaybill: null, at: '2026-12-01T10:00:01+08:00', ...over };
}

async function tables(db: StoreDb): Promise<string[]> {
  const r = await sql<{ t: string }>`select table_name as t from information_schema.tables where table_schema = ${db.schema} order by 1`.execute(db.db);
  return r.rows.map((x) => x.t);
}

describe('order store migrations (real PostgreSQL)', () => {
  it('run up, down one step, and up again', async () => {
    const db = connectStore({ url: inject('hubDatabaseUrl'), schema: testSchema() });
    try {
      const up = await migrateToLatest(db);
      expect(up.applied.map((m) => m.name)).toEqual(['0001-orders', '0002-order-versions', '0003-historical-import', '0004-raw-payloads', '0005-shadow-writes', '0006-searchable-orders', '0007-order-refunds']);
      expect(await tables(db)).toEqual(expect.arrayContaining(['orders', 'order_waybills', 'order_versions']));
      expect(await appliedMigrations(db)).toEqual(['0001-orders', '0002-order-versions', '0003-historical-import', '0004-raw-payloads', '0005-shadow-writes', '0006-searchable-orders', '0007-order-refunds']);
      // Already current: nothing runs twice.
      expect((await migrateToLatest(db)).applied).toEqual([]);
      expect(await tables(db)).toEqual(expect.arrayContaining(['shadow_writes', 'order_write_modes', 'searchable_orders']));
      expect(await tables(db)).toContain('order_refunds');
      expect((await migrateDownOne(db)).applied).toEqual([{ name: '0007-order-refunds', direction: 'Down', status: 'Success' }]);
      expect(await tables(db)).not.toContain('order_refunds');
      expect((await migrateDownOne(db)).applied).toEqual([{ name: '0006-searchable-orders', direction: 'Down', status: 'Success' }]);
      expect(await tables(db)).not.toContain('searchable_orders');
      expect(await tables(db)).toContain('shadow_writes');
      expect((await migrateDownOne(db)).applied).toEqual([{ name: '0005-shadow-writes', direction: 'Down', status: 'Success' }]);
      expect(await tables(db)).not.toContain('shadow_writes');
      expect(await tables(db)).not.toContain('order_write_modes');
      expect(await tables(db)).toContain('raw_payloads');
      expect((await migrateDownOne(db)).applied).toEqual([{ name: '0004-raw-payloads', direction: 'Down', status: 'Success' }]);
      expect(await tables(db)).not.toContain('raw_payloads');
      expect(await tables(db)).toContain('historical_orders');
      expect((await migrateDownOne(db)).applied).toEqual([{ name: '0003-historical-import', direction: 'Down', status: 'Success' }]);
      expect(await tables(db)).not.toContain('historical_orders');
      expect(await tables(db)).not.toContain('import_checkpoints');
      expect(await tables(db)).not.toContain('import_rejects');
      expect(await tables(db)).toContain('order_versions');
      expect((await migrateDownOne(db)).applied).toEqual([{ name: '0002-order-versions', direction: 'Down', status: 'Success' }]);
      expect(await tables(db)).not.toContain('order_versions');
      expect(await tables(db)).toContain('orders');
      expect((await migrateDownOne(db)).applied).toEqual([{ name: '0001-orders', direction: 'Down', status: 'Success' }]);
      expect(await tables(db)).not.toContain('orders');
      expect(await appliedMigrations(db)).toEqual([]);
      await migrateToLatest(db);
      expect(await tables(db)).toEqual(expect.arrayContaining(['orders', 'order_waybills', 'order_versions', 'historical_orders', 'import_checkpoints', 'import_rejects', 'raw_payloads', 'shadow_writes', 'order_write_modes', 'searchable_orders', 'order_refunds']));
    } finally {
      await db.close();
    }
  });
});

describe('zhongshu db migrate / down', () => {
  it('migrates the configured schema, reverts one step, and names a missing database', async () => {
    const schema = testSchema();
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'zs-db-')), 'hub.yaml');
    await writeFile(file, `database:\n  url: \${DATABASE_URL:-}\n  schema: ${schema}\n`);
    const out: string[] = [];
    const err: string[] = [];
    const so = vi.spyOn(process.stdout, 'write').mockImplementation((c) => out.push(String(c)) > 0);
    const se = vi.spyOn(process.stderr, 'write').mockImplementation((c) => err.push(String(c)) > 0);
    try {
      const env = { DATABASE_URL: inject('hubDatabaseUrl') };
      expect(await dbMigrateCommand({ config: file, direction: 'up' }, env)).toBe(0);
      expect(await dbMigrateCommand({ config: file, direction: 'up' }, env)).toBe(0);
      expect(await dbMigrateCommand({ config: file, direction: 'down' }, env)).toBe(0);
      expect(await dbMigrateCommand({ config: file, direction: 'down' }, env)).toBe(0);
      expect(await dbMigrateCommand({ config: file, direction: 'down' }, env)).toBe(0);
      expect(await dbMigrateCommand({ config: file, direction: 'down' }, env)).toBe(0);
      expect(await dbMigrateCommand({ config: file, direction: 'down' }, env)).toBe(0);
      expect(await dbMigrateCommand({ config: file, direction: 'down' }, env)).toBe(0);
      expect(await dbMigrateCommand({ config: file, direction: 'down' }, env)).toBe(0);
      expect(await dbMigrateCommand({ config: file, direction: 'down' }, env)).toBe(0);
      expect(out).toEqual(['applied 0001-orders (Success)\n', 'applied 0002-order-versions (Success)\n', 'applied 0003-historical-import (Success)\n', 'applied 0004-raw-payloads (Success)\n', 'applied 0005-shadow-writes (Success)\n', 'applied 0006-searchable-orders (Success)\n', 'applied 0007-order-refunds (Success)\n', 'already up to date\n', 'reverted 0007-order-refunds (Success)\n', 'reverted 0006-searchable-orders (Success)\n', 'reverted 0005-shadow-writes (Success)\n', 'reverted 0004-raw-payloads (Success)\n', 'reverted 0003-historical-import (Success)\n', 'reverted 0002-order-versions (Success)\n', 'reverted 0001-orders (Success)\n', 'nothing to revert\n']);
      expect(await dbMigrateCommand({ config: file, direction: 'up' }, {})).toBe(1);
      expect(err.join('')).toContain('no database: set DATABASE_URL or database.url, or pass --database-url');
    } finally {
      so.mockRestore();
      se.mockRestore();
    }
  });
});

describe('order store projection and search (real PostgreSQL)', () => {
  let store: OrderStore;
  beforeAll(async () => {
    store = await OrderStore.open({ url: inject('hubDatabaseUrl'), schema: testSchema(), phoneHashKey: 'k-test', logger });
  });
  afterAll(async () => {
    await store.close();
  });

  it('keeps only the highest seq of a workflow: retries and late writes change nothing', async () => {
    const wf = 'order:tb-1:seq-test';
    expect(await store.project(projection({ workflowId: wf, seq: 2, state: 'inventory_locked' }))).toBe(true);
    expect(await store.project(projection({ workflowId: wf, seq: 2, state: 'paid' }))).toBe(false);
    expect(await store.project(projection({ workflowId: wf, seq: 1, state: 'received' }))).toBe(false);
    expect((await store.read(wf))?.state).toBe('inventory_locked');
    expect(await store.project(projection({ workflowId: wf, seq: 3, state: 'waybill_issued', waybillNo: 'SF100', carrier: 'courier-sf' }))).toBe(true);
    const r = await store.read(wf);
    expect(r).toMatchObject({ seq: 3, state: 'waybill_issued', waybillNo: 'SF100' });
    const n = await store.db.db.selectFrom('orders').select(sql<number>`count(*)::int`.as('n')).where('workflow_id', '=', wf).executeTakeFirstOrThrow();
    expect(n.n).toBe(1);
  });

  it('finds an order by any of its waybills, the re-issued one included, and lists its confirmations', async () => {
    const order = canonicalOrder();
    const wf = `order:tb-1:${order.source.platformOrderId}`;
    await store.project(projection({ workflowId: wf, seq: 1, state: 'waybill_issued', waybillNo: 'SF-OLD-1', carrier: 'courier-sf', confirmedWaybill: 'SF-OLD-1' }, order));
    await store.project(projection({ workflowId: wf, seq: 2, state: 'waybill_issued', waybillNo: 'SF-NEW-2', carrier: 'courier-sf', confirmedWaybill: 'SF-OLD-1' }, order));
    const byNew = await store.search({ waybillNo: 'SF-NEW-2' }, { limit: 10, sort: '-receivedAt', cursor: null });
    expect(byNew.orders.map((o) => o.workflowId)).toEqual([wf]);
    expect(byNew.totals).toEqual({ orders: 1, paid: [{ minor: 39800, currency: 'CNY' }] });
    const byOld = await store.search({ waybillNo: 'SF-OLD-1' }, { limit: 10, sort: '-receivedAt', cursor: null });
    expect(byOld.orders.map((o) => o.workflowId)).toEqual([wf]);
    const r = await store.read(wf);
    expect(r?.waybills).toEqual([
      { waybillNo: 'SF-OLD-1', carrier: 'courier-sf', live: false, confirmedAt: expect.any(String) },
      { waybillNo: 'SF-NEW-2', carrier: 'courier-sf', live: true, confirmedAt: null },
    ]);
    expect(r?.shipConfirmations).toEqual([expect.objectContaining({ waybillNo: 'SF-OLD-1', carrier: 'courier-sf' })]);
    expect((await store.search({ waybillNo: 'SF-NONE' }, { limit: 10, sort: '-receivedAt', cursor: null })).orders).toEqual([]);
  });

  it('finds an order by its buyer phone hash; the phone is stored only as the platform sent it', async () => {
    const shopifyLike = { ...canonicalOrder(), recipient: { phone: { plaintext: '+86 138-0013-8000' } } };
    const wf = `order:tb-1:${shopifyLike.source.platformOrderId}`;
    await store.project(projection({ workflowId: wf, seq: 1 }, shopifyLike));
    const hash = store.hashTypedPhone('13800138000');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const found = await store.search({ buyerPhoneHash: hash ?? '' }, { limit: 10, sort: '-receivedAt', cursor: null });
    expect(found.orders.map((o) => o.workflowId)).toEqual([wf]);
    const row = await store.db.db.selectFrom('orders').select(['buyer_phone', 'buyer_phone_hash']).where('workflow_id', '=', wf).executeTakeFirstOrThrow();
    expect(row.buyer_phone).toEqual({ plaintext: '+86 138-0013-8000' });
    expect(row.buyer_phone_hash).toBe(hash);
    // Another key gives another hash: the table alone cannot be matched against hashed phone lists.
    const other = await OrderStore.open({ url: inject('hubDatabaseUrl'), schema: store.db.schema, phoneHashKey: 'k-other', logger });
    try {
      expect(other.hashTypedPhone('13800138000')).not.toBe(hash);
    } finally {
      await other.close();
    }
  });

  it('pages with a cursor in the asked order, filters combine, and totals cover all matches', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const o = canonicalOrder({ channel: 'tb-page' });
      const order = { ...o, source: { ...o.source, shop: 'shop-page', receivedAt: `2026-11-0${i + 1}T10:00:00+08:00` }, paidAt: `2026-11-0${i + 1}T10:05:00+08:00`, lines: [{ ...o.lines[0]!, merchantSku: i % 2 ? 'SKU-ODD' : 'SKU-EVEN' }], address: { ...o.address, province: '上海市', city: '上海市' } };
      const wf = `order:tb-page:${o.source.platformOrderId}`;
      ids.push(wf);
      await store.project(projection({ workflowId: wf, seq: 1, state: i === 4 ? 'on_hold' : 'paid', hold: i === 4 ? { reason: 'insufficient_stock', level: null, message: 'x', since: '2026-11-05T10:00:00+08:00' } : null }, order));
    }
    const page1 = await store.search({ shop: 'shop-page' }, { limit: 2, sort: 'receivedAt', cursor: null });
    expect(page1.orders.map((o) => o.workflowId)).toEqual(ids.slice(0, 2));
    expect(page1.totals.orders).toBe(5);
    const page2 = await store.search({ shop: 'shop-page' }, { limit: 2, sort: 'receivedAt', cursor: page1.nextCursor });
    expect(page2.orders.map((o) => o.workflowId)).toEqual(ids.slice(2, 4));
    const page3 = await store.search({ shop: 'shop-page' }, { limit: 2, sort: 'receivedAt', cursor: page2.nextCursor });
    expect(page3.orders.map((o) => o.workflowId)).toEqual(ids.slice(4));
    expect(page3.nextCursor).toBeNull();
    const newest = await store.search({ shop: 'shop-page' }, { limit: 1, sort: '-receivedAt', cursor: null });
    expect(newest.orders[0]?.workflowId).toBe(ids[4]);

    expect((await store.search({ shop: 'shop-page', sku: 'SKU-ODD' }, { limit: 10, sort: 'receivedAt', cursor: null })).orders.map((o) => o.workflowId)).toEqual([ids[1], ids[3]]);
    expect((await store.search({ holdReason: 'insufficient_stock', province: '上海市', city: '上海市' }, { limit: 10, sort: 'receivedAt', cursor: null })).orders.map((o) => o.workflowId)).toEqual([ids[4]]);
    const paidRange = await store.search({ shop: 'shop-page', paidFrom: '2026-11-02T00:00:00+08:00', paidTo: '2026-11-04T00:00:00+08:00' }, { limit: 10, sort: 'receivedAt', cursor: null });
    expect(paidRange.orders.map((o) => o.workflowId)).toEqual([ids[1], ids[2]]);
    expect(paidRange.totals).toEqual({ orders: 2, paid: [{ minor: 79600, currency: 'CNY' }] });

    // The finance reconciliation's source: a month's orders by paid time (+08:00), in order.
    const seen: string[] = [];
    for await (const o of store.ordersByMonth({ month: '2026-11', by: 'paid' })) if (ids.includes(o.workflowId)) seen.push(o.workflowId);
    expect(seen).toEqual(ids);
    const december: string[] = [];
    for await (const o of store.ordersByMonth({ month: '2026-12', by: 'paid' })) december.push(o.workflowId);
    expect(december.filter((w) => ids.includes(w))).toEqual([]);
  });

  it('gives the finance reconciliation the month\'s paid orders and the orders refunded in it, however long ago paid', async () => {
    const make = (paidAt: string, refundedAt: string | null) => {
      const o = canonicalOrder({ channel: 'fin-src' });
      const line = o.lines[0]!;
      const refunds = refundedAt ? [{ refundId: `R${o.source.platformOrderId}`, amount: { minor: 100, currency: 'CNY' }, refundedAt }] : undefined;
      return { ...o, source: { ...o.source, receivedAt: paidAt }, paidAt, lines: [{ ...line, ...(refunds ? { refunds } : {}) }] };
    };
    const orders = {
      paidInNovember: make('2026-11-03T10:00:00+08:00', null),
      refundedInNovember: make('2026-10-20T10:00:00+08:00', '2026-11-02T09:00:00+08:00'),
      octoberOnly: make('2026-10-20T10:00:00+08:00', null),
    };
    const wf = (o: { source: { platformOrderId: string } }) => `order:fin-src:${o.source.platformOrderId}`;
    for (const o of Object.values(orders)) await store.project(projection({ workflowId: wf(o), seq: 1 }, o));
    const seen: string[] = [];
    for await (const o of store.financeSource().orders({ from: new Date('2026-11-01T00:00:00+08:00'), to: new Date('2026-12-01T00:00:00+08:00') })) seen.push(o.source.platformOrderId);
    expect(seen).toContain(orders.paidInNovember.source.platformOrderId);
    expect(seen).toContain(orders.refundedInNovember.source.platformOrderId);
    expect(seen).not.toContain(orders.octoberOnly.source.platformOrderId);
    expect(new Set(seen).size).toBe(seen.length);

    // `zhongshu finance export` reads the same store when no --from is given.
    const out = await mkdtemp(path.join(tmpdir(), 'zhongshu-fin-'));
    const config = path.join(out, 'zhongshu.yaml');
    await writeFile(config, 'finance: {}\n');
    const write = vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    const code = await financeExportCommand({ month: '2026-11', out, config, schema: store.db.schema }, { DATABASE_URL: inject('hubDatabaseUrl') });
    const printed = write.mock.calls.map((c) => String(c[0])).join('');
    write.mockRestore();
    expect(code).toBe(0);
    const detail = await readFile(path.join(out, 'reconciliation-2026-11-detail.csv'), 'utf8');
    expect(detail).toContain(orders.paidInNovember.source.platformOrderId);
    expect(detail).toContain(orders.refundedInNovember.source.platformOrderId);
    expect(detail).not.toContain(orders.octoberOnly.source.platformOrderId);
    expect(printed).toMatch(/total CNY: \d+ orders/);
  });

  it('records a version for each change of an audited field, with who and why, the address masked', async () => {
    const order = canonicalOrder();
    const wf = `order:tb-1:${order.source.platformOrderId}`;
    const t = (state: string, cause: string, actor: string, at: string) => ({ state, cause, actor, at }) as OrderProjection['timeline'][number];
    const received = t('received', 'received via api', 'tb-1', '2026-12-01T10:00:00+08:00');
    await store.project(projection({ workflowId: wf, seq: 1, state: 'paid', timeline: [received, t('paid', 'platform status WAIT_SELLER_SEND_GOODS', 'platform', '2026-12-01T10:00:01+08:00')] }, order));
    const moved = { ...order, address: { ...order.address, district: '福田区', detail: { ciphertext: '~ct~addr~2~', masked: '华强北***' } } };
    const tl2 = [received, t('paid', 'platform status WAIT_SELLER_SEND_GOODS', 'platform', '2026-12-01T10:00:01+08:00'), t('paid', 'address updated', 'cs-alice', '2026-12-01T10:05:00+08:00')];
    await store.project(projection({ workflowId: wf, seq: 2, state: 'paid', timeline: tl2 }, moved));
    // Same audited fields again (a timeline note only): no version.
    await store.project(projection({ workflowId: wf, seq: 3, state: 'paid', timeline: [...tl2, t('paid', 'note', 'hub', '2026-12-01T10:06:00+08:00')] }, moved));
    const versions = await store.versions(wf);
    expect(versions.map((v) => [v.seq, v.actor, v.cause])).toEqual([
      [1, 'platform', 'platform status WAIT_SELLER_SEND_GOODS'],
      [2, 'cs-alice', 'address updated'],
    ]);
    expect(versions[1]?.changes).toEqual([
      { field: 'address', before: { country: 'CN', province: '广东省', city: '深圳市', district: '南山区', street: null, detail: '科技园***' }, after: { country: 'CN', province: '广东省', city: '深圳市', district: '福田区', street: null, detail: '华强北***' } },
    ]);
    expect(JSON.stringify(versions)).not.toContain('~ct~');
  });
});
