import { ApplicationFailure, Context } from '@temporalio/activity';
import { z } from 'zod';
import type { Redis } from 'ioredis';
import type { CanonicalOrder } from '../canonical/order.js';
import type { Logger } from '../logger.js';
import type { MappingEngine } from '../mapping/engine.js';
import { InventoryPool, STOCK_BASIS } from '../inventory/pool.js';
import { WmsAcceptance } from '../inventory/wms-acceptance.js';
import { redisNowMs } from '../inventory/clock.js';
import type { LockResult } from '../inventory/schema.js';
import type { RulesConfig } from '../rules/config.js';
import { createRulesChecker, type RulesCheck } from '../rules/check.js';
import type { AdapterRegistry } from '../sdk/registry.js';
import { DecisionQueue, type DecisionRequest } from '../store/decisions.js';
import type { OrderStore } from '../store/db/order-store.js';
import type { OrderProjection } from '../store/db/projection.js';
import { OrderRefundRecord, recordOrderRefund } from '../store/db/order-refunds.js';
import { errorMessage } from '../util/errors.js';
import { guardCall, type RequestRateLimit, type ResilienceLayers } from '../resilience/index.js';
import { StockFreshness, type StaleStock } from '../resilience/stock-freshness.js';
import { createInvokeAdapter } from './invoke-adapter.js';
import { createShipConfirm, type CarrierCodeLookup, type ShipConfirmRequest } from './ship-confirm.js';
import { createLegacyErpActivities } from '../legacy-erp/poller.js';
import { maskAddress } from '../canonical/mask.js';
import type { OrderIntake } from '../intake/order-intake.js';
import type { ChannelConfig } from '../config/schema.js';
import type { NotificationRouter } from '../notify/router.js';
import { CAPABILITY } from '../sdk/capabilities.js';
import { wmsTidKey } from '../tracking/robot.js';
import { FAILURE_TYPE } from '../sdk/failure-types.js';
import { ShadowGate } from '../shadow/gate.js';
import { ShadowRecorder } from '../shadow/recorder.js';

/** What a WMS stock.query answers, whatever the adapter: one row per SKU. */
/** `available`: the WMS's own available-to-send where it reports one (net of its trades); preferred over on hand. */
const StockItems = z.array(z.object({ sku: z.string().min(1), onHand: z.number().int().nonnegative(), available: z.number().int().nullish() }).loose());

export { maskAddress } from '../canonical/mask.js';

export interface ActivityDeps {
  redis: Redis;
  keyPrefix: string;
  logger: Logger;
  /** Absent in hubs built before the lifecycle settings existed (tests of the intake slice). */
  registry?: AdapterRegistry;
  mappings?: MappingEngine;
  rules?: RulesConfig;
  warehouse?: string;
  pickupHookUrl?: string | undefined;
  fetch?: typeof fetch;
  /** Breakers, last-known-good reads and rate limits for every outbound call (src/resilience). */
  resilience?: ResilienceLayers | null;
  /** For the legacy-ERP poller: rows become orders through the same intake as webhooks. */
  intake?: OrderIntake;
  channels?: readonly ChannelConfig[];
  /** Each platform's code for a courier, for shipment confirmations (mappings/_tables). */
  carrierCode?: CarrierCodeLookup;
  /** Takes every alert.send of the lifecycle: routes, exactly once, rate limits (src/notify). */
  notifications?: NotificationRouter | null;
  /** A waybill was issued: the tracking robot follows it when its carrier has no route push. */
  onWaybillIssued?: (w: { waybillNo: string; workflowId: string; connector: string }) => Promise<void>;
  /** The order store (PostgreSQL); absent in hubs built without a database. */
  orderStore?: OrderStore | null;
}

/** The lifecycle's alert.send input (workflows/lifecycle/notify.ts). */
const LifecycleAlert = z.object({ title: z.string(), text: z.string(), severity: z.enum(['info', 'warning', 'critical']), orderKey: z.string().optional() }).loose();

/** Activities are built from their dependencies, so tests and the worker wire them the same way. */
export function createActivities(deps: ActivityDeps) {
  const pool = new InventoryPool(deps.redis, deps.keyPrefix);
  const decisions = new DecisionQueue(deps.redis, deps.keyPrefix);
  const warehouse = deps.warehouse ?? 'WH1';
  const freshness = new StockFreshness(deps.redis, deps.keyPrefix);
  const acceptance = new WmsAcceptance(deps.redis, deps.keyPrefix);
  const checker = deps.rules
    ? createRulesChecker({ redis: deps.redis, keyPrefix: deps.keyPrefix, config: deps.rules, knownSku: (sku) => pool.knownSku(warehouse, sku) })
    : null;
  const invokeAdapter =
    deps.registry && deps.mappings
      ? createInvokeAdapter({
          registry: deps.registry,
          mappings: deps.mappings,
          logger: deps.logger,
          resilience: deps.resilience ?? null,
          shadow: deps.channels ? new ShadowGate(deps.channels, deps.orderStore ? new ShadowRecorder(deps.orderStore.db) : null) : null,
          onWaybill: async (w) => {
            await deps.redis.set(`${deps.keyPrefix}waybill:${w.waybillNo}`, w.workflowId, 'EX', 180 * 24 * 3600);
            await deps.onWaybillIssued?.(w);
          },
          wmsAcceptance: {
            pushing: (workflowId) => acceptance.pushing(workflowId),
            accepted: async (workflowId) => {
              const at = await acceptance.accepted(workflowId);
              // Handed over now, not a workflow task later: a reading applied in between counted the units twice.
              const holdKey = await acceptance.holdOf(workflowId);
              if (holdKey) await pool.handOver(holdKey, at);
            },
          },
          onWmsPush: async (p) => {
            await deps.redis.set(wmsTidKey(deps.keyPrefix, p.tid), p.workflowId, 'EX', 180 * 24 * 3600);
          },
        })
      : null;
  const doFetch = deps.fetch ?? fetch;
  const shipConfirm = invokeAdapter && deps.registry && deps.carrierCode ? createShipConfirm({ registry: deps.registry, carrierCode: deps.carrierCode, invoke: invokeAdapter }) : null;

  return {
    ...createLegacyErpActivities(deps),

    /**
     * The order as received, into the store at seq 0: orders whose workflows predate the
     * projection still appear; any later projection (seq >= 1) replaces it.
     */
    async recordOrder(input: { idempotencyKey: string; orderKey: string; order: CanonicalOrder }): Promise<{ firstWrite: boolean }> {
      if (!deps.orderStore) return { firstWrite: false };
      const workflowId = Context.current().info.workflowExecution?.workflowId;
      if (!workflowId) throw ApplicationFailure.nonRetryable('recordOrder runs only as a workflow activity', FAILURE_TYPE.NOT_CONFIGURED);
      const at = new Date().toISOString();
      const firstWrite = await deps.orderStore.project({
        workflowId,
        seq: 0,
        orderKey: input.orderKey,
        state: 'received',
        platformStatus: input.order.platformStatus,
        order: input.order,
        timeline: [],
        hold: null,
        waybillNo: null,
        carrier: null,
        confirmedWaybill: null,
        at,
      });
      deps.logger.debug({ orderKey: input.orderKey, firstWrite }, 'order recorded');
      return { firstWrite };
    },

    /** The workflow's view of its order, written only over an older one (seq): see workflows/lifecycle/projection.ts. */
    async projectOrder(p: OrderProjection): Promise<{ written: boolean }> {
      if (!deps.orderStore) throw ApplicationFailure.nonRetryable('no order store is configured on this worker', FAILURE_TYPE.NOT_CONFIGURED);
      return { written: await deps.orderStore.project(p) };
    },

    /**
     * A refund an after-sales case saw paid out, into the order store once per case key. No store
     * on this worker: nothing to reconcile against, so nothing recorded. A store that is down
     * fails the attempt (retryably): the server retries until it answers.
     */
    async recordOrderRefund(input: unknown): Promise<{ recorded: boolean; stored: boolean }> {
      const r = OrderRefundRecord.safeParse(input);
      if (!r.success) {
        const issue = r.error.issues[0];
        throw ApplicationFailure.nonRetryable(`order refund: ${issue?.path.map(String).join('.') || 'record'}: ${issue?.message ?? 'invalid'}`, FAILURE_TYPE.INVALID_ORDER_REFUND);
      }
      if (!deps.orderStore) return { recorded: false, stored: false };
      const stored = await recordOrderRefund(deps.orderStore.db, r.data);
      deps.logger.debug({ caseKey: r.data.caseKey, workflowId: r.data.workflowId, stored }, 'order refund recorded');
      return { recorded: true, stored };
    },

    async checkOrderRules(input: { orderKey: string; order: CanonicalOrder }): Promise<RulesCheck> {
      if (!checker) throw ApplicationFailure.nonRetryable('rules are not configured on this worker', FAILURE_TYPE.NOT_CONFIGURED);
      return checker(input);
    },

    /** All-or-nothing per order, idempotent per hold key (workflow id + lock step). */
    /**
     * Redis down: the lock fails (retryably) and the order waits; it never proceeds unlocked.
     * `staleStock` names SKUs whose figures the WMS could not confirm at the last sync (it was
     * down): the order's timeline records that its availability check used cached stock.
     */
    async lockInventory(input: { holdKey: string; warehouse: string; lines: { lineId: string; sku: string; qty: number }[]; expiresAt: number | null }): Promise<LockResult & { depleted: string[]; staleStock?: StaleStock[]; doneAt?: number }> {
      const r = await pool.lock({ orderKey: input.holdKey, warehouse: input.warehouse, lines: input.lines, expiresAt: input.expiresAt });
      if (!r.ok) return { ...r, depleted: [] };
      // The WMS push hands this hold over the moment the WMS accepts the trade (WmsAcceptance).
      const workflowId = Context.current().info.workflowExecution?.workflowId;
      if (workflowId) await acceptance.holding(workflowId, input.holdKey);
      // SKUs this lock took to zero: the workflow pushes them to the platforms at once.
      const skus = [...new Set(input.lines.map((l) => l.sku))];
      const levels = await Promise.all(skus.map(async (sku) => ({ sku, level: await pool.get(input.warehouse, sku) })));
      const staleStock = await freshness.staleOf(input.warehouse, skus);
      // doneAt: the worker's clock once the lock is in, for the timeline. Run as a local activity the
      // workflow's clock is still that of the task that began before the lock (and its retries).
      return { ...r, depleted: levels.filter((x) => x.level.available <= 0).map((x) => x.sku), ...(staleStock.length ? { staleStock } : {}), doneAt: Date.now() };
    },
    async confirmInventoryPaid(input: { holdKey: string }): Promise<{ confirmed: boolean }> {
      const r = await pool.confirmPaid(input.holdKey);
      return { confirmed: r.confirmed };
    },
    async releaseInventory(input: { holdKey: string; reason: string }): Promise<void> {
      await pool.release(input.holdKey, input.reason);
    },
    async commitInventory(input: { holdKey: string }): Promise<void> {
      await pool.commit(input.holdKey);
    },
    /**
     * The WMS accepted the trade and counts its units from now on (InventoryPool.handOver), since
     * the time the workflow's push recorded: a stock reading taken between the push and this
     * hand-over already excludes the units.
     */
    async handOverInventory(input: { holdKey: string }): Promise<void> {
      const workflowId = Context.current().info.workflowExecution?.workflowId;
      const acceptedBy = workflowId ? await acceptance.acceptedAt(workflowId) : null;
      await pool.handOver(input.holdKey, acceptedBy ?? undefined);
    },

    /**
     * On-hand figures from the WMS stock query, applied with their time so an old answer never
     * wins. With the WMS down, the last-known-good answer (within maxAgeMs) is applied with the
     * time it was fetched, never now: it cannot overwrite anything newer, and the SKUs are marked
     * stale so orders locking them say so on their timeline.
     */
    async syncStockFromWms(input: { warehouse: string; wms: string; skus: string[] }): Promise<{ updated: number; stale: boolean; ageMs: number; fetchedAt: string }> {
      if (!deps.registry) throw ApplicationFailure.nonRetryable('no adapters are configured on this worker', FAILURE_TYPE.NOT_CONFIGURED);
      const skus = input.skus.length ? input.skus : (await pool.snapshot(input.warehouse)).map((x) => x.sku);
      const requested = Date.now();
      if (!skus.length) return { updated: 0, stale: false, ageMs: 0, fetchedAt: new Date(requested).toISOString() };
      const { instance } = await deps.registry.connector(input.wms);
      const ctx = Context.current();
      const query = { skus, warehouse: input.warehouse };
      const call = (signal: AbortSignal, rateLimit?: RequestRateLimit) =>
        instance.invoke(CAPABILITY.STOCK_QUERY, query, { signal, idempotencyKey: `stock-query:${requested}`, logger: deps.logger, heartbeat: (d?: unknown) => ctx.heartbeat(d), ...(rateLimit ? { rateLimit } : {}) });
      // On Redis's clock, as the hand-overs and pickups the reading is reconciled with (SET_ON_HAND):
      // a worker clock running ahead would date the reading after a hand-over the WMS had not yet seen.
      const readFrom = await redisNowMs(deps.redis);
      const answer = deps.resilience ? await guardCall(deps.resilience, { connector: input.wms, capability: CAPABILITY.STOCK_QUERY }, query, ctx.cancellationSignal, call) : { stale: false as const, value: await call(ctx.cancellationSignal) };
      const asOf = answer.stale ? Date.parse(answer.fetchedAt) : readFrom;
      const items = StockItems.parse(answer.value);
      for (const it of items) {
        if (it.available != null) await pool.setOnHand(input.warehouse, it.sku, Math.max(0, it.available), asOf, STOCK_BASIS.UNPROMISED);
        else await pool.setOnHand(input.warehouse, it.sku, it.onHand, asOf, STOCK_BASIS.PHYSICAL);
      }
      const fetchedAt = new Date(asOf).toISOString();
      await freshness.record(input.warehouse, items.map((it) => it.sku), { stale: answer.stale, fetchedAt });
      if (answer.stale) deps.logger.warn({ event: 'stock_sync_stale', warehouse: input.warehouse, wms: input.wms, ageMs: answer.ageMs, skus: items.length }, 'WMS unreachable: stock applied from its last-known-good answer');
      return { updated: items.length, stale: answer.stale, ageMs: answer.stale ? answer.ageMs : 0, fetchedAt };
    },
    async stockSnapshot(input: { warehouse: string; skus: string[] }): Promise<{ sku: string; available: number }[]> {
      const all = await pool.snapshot(input.warehouse);
      const want = new Set(input.skus);
      return all.filter((x) => !want.size || want.has(x.sku)).map((x) => ({ sku: x.sku, available: Math.max(0, x.available) }));
    },
    async releaseExpiredInventory(input: { limit: number }): Promise<number> {
      return (await pool.releaseExpired(Date.now(), input.limit)).length;
    },

    /** Audit trail of address changes: who, when, outcome, old and new address masked. */
    async auditAddressChange(input: { orderKey: string; at: string; actor: string; source: string; outcome: string; reason: string | null; before: CanonicalOrder['address']; after: CanonicalOrder['address'] }): Promise<void> {
      const entry = { ...input, before: maskAddress(input.before), after: maskAddress(input.after) };
      await deps.redis.rpush(`${deps.keyPrefix}audit:order:${input.orderKey}`, JSON.stringify({ kind: 'address_change', ...entry }));
    },

    async requestDecision(input: DecisionRequest): Promise<void> {
      await decisions.put(input);
    },
    async clearDecision(input: { orderKey: string }): Promise<void> {
      await decisions.clear(input.orderKey);
    },

    async invokeAdapter(req: Parameters<NonNullable<typeof invokeAdapter>>[0]): Promise<unknown> {
      // Alerts go through the router (same activity name and arguments, so old histories replay):
      // exactly once per key, within the robot's rate, never failing the order for a robot.
      const alert = req.capability === CAPABILITY.ALERT_SEND && deps.notifications ? LifecycleAlert.safeParse(req.input) : null;
      if (alert?.success && deps.notifications) {
        const out = await deps.notifications.deliverLifecycleAlert({ connector: req.connector, idempotencyKey: req.idempotencyKey, input: alert.data });
        return { sent: out.sent > 0, waiting: out.waiting > 0, routes: out.routes };
      }
      if (!invokeAdapter) throw ApplicationFailure.nonRetryable('no adapters are configured on this worker', FAILURE_TYPE.NOT_CONFIGURED);
      return invokeAdapter(req);
    },

    /** 发货回传: the platform hears which carrier and tracking number the parcel left with. */
    async confirmShipment(req: ShipConfirmRequest): Promise<{ confirmed: boolean; carrierCode: string }> {
      if (!shipConfirm) throw ApplicationFailure.nonRetryable('shipment confirmation is not configured on this worker (no adapters or no carrier code table)', FAILURE_TYPE.NOT_CONFIGURED);
      return shipConfirm(req);
    },

    /** The customer-notice hook: POST to the configured URL; a failure is retried, then reported. */
    async notifyPickup(input: { idempotencyKey: string; orderKey: string; waybillNo: string | null; carrier: string; at: string }): Promise<{ sent: boolean }> {
      if (!deps.pickupHookUrl) return { sent: false };
      const res = await doFetch(deps.pickupHookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': input.idempotencyKey },
        body: JSON.stringify({ event: 'order.picked_up', orderKey: input.orderKey, waybillNo: input.waybillNo, carrier: input.carrier, at: input.at }),
        signal: AbortSignal.timeout(10_000),
      }).catch((err: unknown) => {
        throw new Error(`pickup hook unreachable: ${errorMessage(err)}`);
      });
      if (!res.ok) throw new Error(`pickup hook answered HTTP ${res.status}`);
      return { sent: true };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
