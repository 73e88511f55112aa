import { sql, type Kysely } from 'kysely';

/**
 * The order search reads lifecycle orders and imported (historical) ones as one set. Historical
 * rows get an id of their own (`historical:<channel>:<id>`, no workflow has it), state
 * `historical`, their receipt time is their creation time, and an order the lifecycle also has is
 * shown once, as the lifecycle's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create view searchable_orders as
      select workflow_id, seq, order_key, platform, channel, shop, platform_order_id, state, platform_status, hold_reason,
             waybill_no, carrier, skus, currency, paid_minor, paid_at, received_at, province, city, buyer_phone_hash,
             projected_at, false as historical
        from orders
      union all
      select 'historical:' || h.channel || ':' || h.platform_order_id, 0, h.channel || ':' || h.platform_order_id, h.platform, h.channel, h.shop,
             h.platform_order_id, 'historical', h.status, null, null, null, h.skus, h.currency, h.paid_minor, h.paid_at, h.created_at,
             h.canonical #>> '{address,province}', h.canonical #>> '{address,city}', null, h.imported_at, true
        from historical_orders h
       where not exists (select 1 from orders o where o.channel = h.channel and o.platform_order_id = h.platform_order_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop view searchable_orders`.execute(db);
}
