import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { TRACKING_STATE, TrackingResult } from '../../adapters/_shared/tracking.js';
import { trackingEvent, trackingUpdate, waybillBackfill } from '../../workflows/order-lifecycle.js';
import type { TrackingUpdate } from '../../workflows/order-lifecycle.js';
import type { Logger } from '../logger.js';
import { NOTIFY_EVENT } from '../notify/events.js';
import type { NotificationRouter } from '../notify/router.js';
import { CAPABILITY } from '../sdk/capabilities.js';
import type { AdapterRegistry } from '../sdk/registry.js';
import { errorMessage } from '../util/errors.js';
import type { TrackingConfig } from './config.js';
import { orderKeyOf, ParcelStore, STALL_REASON, type Parcel, type StallReason } from './parcels.js';

export interface TrackingRobotDeps {
  redis: Redis;
  keyPrefix: string;
  config: TrackingConfig;
  registry: AdapterRegistry;
  temporal: Client;
  router: NotificationRouter | null;
  logger: Logger;
  now?: () => Date;
}

export interface TrackRunResult {
  checked: number;
  pickedUp: number;
  delivered: number;
  stalled: number;
  failed: number;
  /** More parcels were due than this call took. */
  more: boolean;
}

const MOVING: ReadonlySet<string> = new Set([TRACKING_STATE.PICKED_UP, TRACKING_STATE.IN_TRANSIT, TRACKING_STATE.DELIVERED, TRACKING_STATE.PROBLEM]);

/** What logistics.sync `pending` answers (adapters/wangdiantong/operations/logistics-pending.ts). */
const PendingRows = z.array(z.object({ syncId: z.string().min(1), tid: z.string().min(1), logisticsNo: z.string(), logisticsCode: z.string(), logisticsName: z.string() }).loose());
const SHIPPER_CODE = /^[A-Z0-9]{2,10}$/;
/** Ack calls take at most 50 rows (logistics-ack.ts). */
const ACK_CHUNK = 50;

export const wmsTidKey = (prefix: string, tid: string) => `${prefix}wms-tid:${tid}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The tracking robot's activities: which parcels it follows (registered when a waybill of a
 * followed carrier is issued, or back-filled from the WMS), one KDNiao query per parcel paced
 * within the configured rate, and the signals that move each order.
 */
export function createTrackingRobot(d: TrackingRobotDeps) {
  const store = new ParcelStore(d.redis, d.keyPrefix);
  const now = () => (d.now ?? (() => new Date()))().getTime();
  const cfg = d.config;
  const recheckMs = cfg.everyMinutes * 60_000;
  const stalledMs = cfg.stalledHours * 3_600_000;

  /** The KDNiao code of a courier connector the robot follows, or null (it has route pushes). */
  function shipperCodeOf(connector: string): string | null {
    return cfg.carriers[connector] ?? cfg.carriers[d.registry.adapterOf(connector) ?? ''] ?? null;
  }

  async function register(p: { waybillNo: string; workflowId: string; shipperCode: string }): Promise<boolean> {
    const added = await store.register(p, now());
    if (added && cfg.subscribe && cfg.kdniao) await subscribe(cfg.kdniao, p);
    return added;
  }

  /**
   * KDNiao 8008 for a newly followed parcel: its traces then arrive at the push receiver. A refusal
   * or outage is logged, never thrown: the sweep's queries still follow the parcel.
   */
  async function subscribe(connector: string, p: { waybillNo: string; shipperCode: string }): Promise<void> {
    try {
      const { instance } = await d.registry.connector(connector);
      await instance.invoke(CAPABILITY.TRACKING_SUBSCRIBE, { shipperCode: p.shipperCode, logisticCode: p.waybillNo }, { signal: AbortSignal.timeout(30_000), idempotencyKey: `kdniao-subscribe:${p.waybillNo}`, logger: d.logger, heartbeat() {} });
      d.logger.info({ waybillNo: p.waybillNo, shipperCode: p.shipperCode }, 'parcel subscribed on KDNiao: its traces are pushed');
    } catch (err) {
      d.logger.warn({ waybillNo: p.waybillNo, shipperCode: p.shipperCode, err: errorMessage(err) }, 'KDNiao subscription failed: the parcel is followed by queries only');
    }
  }

  async function stall(p: Parcel, reason: StallReason, why: string, fields: { lastTrace?: string; carrierState?: string | null; lastChangeAt?: number }): Promise<TrackingUpdate['stalled']> {
    const at = now();
    await store.markStalled(p.waybillNo, reason, at);
    const orderKey = orderKeyOf(p.workflowId);
    // The key names this stall (the parcel, why, and the trace it stopped at): told once.
    await d.router?.notify({
      event: NOTIFY_EVENT.TRACKING_STALLED,
      key: `${p.waybillNo}:${reason}:${fields.lastChangeAt ?? p.registeredAt}`,
      orderKey,
      vars: {
        orderKey,
        waybillNo: p.waybillNo,
        carrier: p.shipperCode,
        why,
        lastTrace: fields.lastTrace ?? null,
        lastChangeAt: fields.lastChangeAt ? new Date(fields.lastChangeAt).toISOString() : null,
        carrierState: fields.carrierState ?? null,
      },
    });
    return { reason, message: why };
  }

  async function trackOne(no: string, instance: Awaited<ReturnType<AdapterRegistry['connector']>>['instance'], result: TrackRunResult): Promise<void> {
    const p = await store.get(no);
    if (!p) {
      await store.forget(no);
      return;
    }
    result.checked++;
    let r: TrackingResult;
    try {
      const ctx = Context.current();
      const raw = await instance.invoke(CAPABILITY.TRACKING_QUERY, { shipperCode: p.shipperCode, logisticCode: p.waybillNo }, { signal: ctx.cancellationSignal, idempotencyKey: `track:${no}:${now()}`, logger: d.logger, heartbeat: (x?: unknown) => ctx.heartbeat(x) });
      r = TrackingResult.parse(raw);
    } catch (err) {
      // One parcel's failed query is tried again next run; the others go on.
      result.failed++;
      d.logger.warn({ waybillNo: no, err: errorMessage(err) }, 'tracking query failed');
      await store.update(no, {}, now() + recheckMs);
      return;
    }
    await applyResult(p, r, result, `kdniao ${p.shipperCode}`);
  }

  /** What a query or a push said about one parcel: signals for its order, stall flags, the store. */
  async function applyResult(p: Parcel, r: TrackingResult, result: TrackRunResult, source: string): Promise<void> {
    const no = p.waybillNo;
    const fresh = r.events.slice(p.traceCount);
    const last = r.events.at(-1);
    const first = r.events[0];
    const lastChangeAt = last ? Date.parse(last.at) : undefined;
    const t = now();
    let stalled: TrackingUpdate['stalled'];
    if (r.state === TRACKING_STATE.PROBLEM && p.stalled !== STALL_REASON.CARRIER_PROBLEM) {
      stalled = await stall(p, STALL_REASON.CARRIER_PROBLEM, `快递公司报告问题件（State ${r.carrierState ?? '4'}）`, { ...(last ? { lastTrace: last.description } : {}), carrierState: r.carrierState, ...(lastChangeAt ? { lastChangeAt } : {}) });
    } else if (r.state !== TRACKING_STATE.DELIVERED && r.state !== TRACKING_STATE.PROBLEM && lastChangeAt !== undefined && t - lastChangeAt >= stalledMs && !p.stalled) {
      stalled = await stall(p, STALL_REASON.NO_CHANGE, `已 ${Math.floor((t - lastChangeAt) / 3_600_000)} 小时无物流更新`, { ...(last ? { lastTrace: last.description } : {}), carrierState: r.carrierState, lastChangeAt });
    } else if (p.stalled && p.stalled !== STALL_REASON.GIVEN_UP && fresh.length && r.state !== TRACKING_STATE.PROBLEM) {
      await store.clearStalled(no);
      stalled = null;
    }
    if (stalled) result.stalled++;
    const handle = d.temporal.workflow.getHandle(p.workflowId);
    try {
      if (fresh.length || stalled !== undefined) {
        await handle.signal(trackingUpdate, { waybillNo: no, source, traces: fresh.map((e) => ({ at: e.at, description: e.description, location: e.location })), ...(stalled !== undefined ? { stalled } : {}) });
      }
      let pickedUpSent = p.pickedUpSent === '1';
      if (MOVING.has(r.state) && !pickedUpSent && first) {
        await handle.signal(trackingEvent, { event: 'picked_up', at: first.at, waybillNo: no, source: `${source} State ${r.carrierState ?? '?'}: ${first.description}` });
        pickedUpSent = true;
        result.pickedUp++;
      }
      const delivered = r.state === TRACKING_STATE.DELIVERED && last !== undefined;
      if (delivered) {
        await handle.signal(trackingEvent, { event: 'delivered', at: last.at, waybillNo: no, source: `${source} State ${r.carrierState ?? '?'}: ${last.description}` });
        result.delivered++;
        await store.clearStalled(no);
      }
      const givenUp = !delivered && t - p.registeredAt > cfg.maxTrackDays * 86_400_000;
      if (givenUp && p.stalled !== STALL_REASON.GIVEN_UP) await stall(p, STALL_REASON.GIVEN_UP, `跟踪 ${cfg.maxTrackDays} 天仍未签收，已停止查询`, lastChangeAt ? { lastChangeAt } : {});
      await store.update(
        no,
        {
          traceCount: r.events.length,
          pickedUpSent: pickedUpSent ? '1' : '0',
          ...(lastChangeAt ? { lastChangeAt } : {}),
          ...(last ? { lastTrace: last.description } : {}),
          ...(r.carrierState ? { carrierState: r.carrierState } : {}),
        },
        delivered || givenUp ? null : t + recheckMs,
      );
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      // The order's workflow is closed or gone: nobody to tell any more.
      d.logger.info({ waybillNo: no, workflowId: p.workflowId }, 'parcel dropped: its order workflow is closed');
      await store.forget(no);
    }
  }

  return {
    shipperCodeOf,
    register,
    store,

    /**
     * KDNiao's track push (the subscription's callback): each record is applied like a query's
     * answer; a record for a waybill the robot does not follow is counted, not lost silently.
     */
    async applyPushed(records: readonly TrackingResult[]): Promise<{ applied: number; unknown: number; result: TrackRunResult }> {
      const result: TrackRunResult = { checked: 0, pickedUp: 0, delivered: 0, stalled: 0, failed: 0, more: false };
      let unknown = 0;
      for (const r of records) {
        const p = await store.get(r.trackingNo);
        if (!p) {
          unknown++;
          d.logger.warn({ waybillNo: r.trackingNo }, 'KDNiao push for a parcel the robot does not follow');
          continue;
        }
        result.checked++;
        await applyResult(p, r, result, `kdniao-push ${p.shipperCode}`);
      }
      return { applied: result.checked, unknown, result };
    },

    /** One batch of due parcels: query each on KDNiao (paced), signal the orders, flag stalls. */
    async trackParcels(input: { limit: number }): Promise<TrackRunResult> {
      const result: TrackRunResult = { checked: 0, pickedUp: 0, delivered: 0, stalled: 0, failed: 0, more: false };
      const kdniao = cfg.kdniao;
      if (!kdniao) return result;
      const limit = Math.max(1, Math.min(input.limit, cfg.batchSize));
      const due = await store.due(now(), limit);
      if (!due.length) return result;
      const { instance } = await d.registry.connector(kdniao);
      const gapMs = Math.ceil(1000 / cfg.requestsPerSecond);
      const ctx = Context.current();
      for (const [i, no] of due.entries()) {
        if (i > 0) await sleep(gapMs);
        await trackOne(no, instance, result);
        // A batch of slow answers must not look like a lost worker (heartbeatTimeout of the sweep).
        ctx.heartbeat(i);
      }
      result.more = due.length === limit;
      return result;
    },

    /**
     * 单号补录: the shipments the WMS reports through its logistics sync. An order the hub pushed
     * (known by its tid) that has no tracking number gets the WMS's, and its parcel is followed by
     * the robot; each row is acknowledged so the WMS stops reporting it. A row without a number
     * yet is left for the next run; a row for a trade the hub never pushed is left alone.
     */
    async backfillFromWms(): Promise<{ rows: number; backfilled: number; leftPending: number }> {
      const wms = cfg.backfill.wms;
      if (!wms) return { rows: 0, backfilled: 0, leftPending: 0 };
      const { instance } = await d.registry.connector(wms);
      const ctx = Context.current();
      const invokeCtx = (key: string) => ({ signal: ctx.cancellationSignal, idempotencyKey: key, logger: d.logger, heartbeat: (x?: unknown) => ctx.heartbeat(x) });
      const rows = PendingRows.parse(await instance.invoke(CAPABILITY.LOGISTICS_SYNC, { action: 'pending', limit: 100 }, invokeCtx(`logistics-pending:${now()}`)));
      const acks: { syncId: string; result: 'ok' | 'fail'; message: string }[] = [];
      let backfilled = 0;
      let leftPending = 0;
      for (const row of rows) {
        ctx.heartbeat(row.syncId);
        const workflowId = await d.redis.get(wmsTidKey(d.keyPrefix, row.tid));
        if (!row.logisticsNo || !workflowId) {
          leftPending++;
          continue;
        }
        const mapped = cfg.backfill.logisticsCodes[row.logisticsCode] ?? row.logisticsCode;
        try {
          await d.temporal.workflow.getHandle(workflowId).signal(waybillBackfill, { waybillNo: row.logisticsNo, carrier: row.logisticsName || mapped, source: `${wms} logistics sync` });
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          acks.push({ syncId: row.syncId, result: 'fail', message: '订单流程已结束' });
          continue;
        }
        // Courier route pushes name the waybill: they now find this order too.
        await d.redis.set(`${d.keyPrefix}waybill:${row.logisticsNo}`, workflowId, 'EX', 180 * 86_400, 'NX');
        if (SHIPPER_CODE.test(mapped)) await register({ waybillNo: row.logisticsNo, workflowId, shipperCode: mapped });
        else d.logger.warn({ tid: row.tid, logisticsCode: row.logisticsCode }, 'WMS logistics code has no KDNiao ShipperCode (tracking.backfill.logisticsCodes): parcel not followed');
        acks.push({ syncId: row.syncId, result: 'ok', message: '' });
        backfilled++;
      }
      for (let i = 0; i < acks.length; i += ACK_CHUNK) {
        await instance.invoke(CAPABILITY.LOGISTICS_SYNC, { action: 'ack', acks: acks.slice(i, i + ACK_CHUNK) }, invokeCtx(`logistics-ack:${acks[i]?.syncId ?? ''}`));
      }
      return { rows: rows.length, backfilled, leftPending };
    },
  };
}

export type TrackingRobot = ReturnType<typeof createTrackingRobot>;
