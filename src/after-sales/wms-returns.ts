import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { orderKey } from '../canonical/order.js';
import type { ChannelConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { CAPABILITY } from '../sdk/capabilities.js';
import type { AdapterRegistry } from '../sdk/registry.js';
import { wmsTidKey } from '../tracking/robot.js';
import { errorMessage } from '../util/errors.js';
import { CASE_STATE, RETURN_TYPES } from '../../workflows/after-sales/constants.js';
import { returnReceived } from '../../workflows/after-sales/definitions.js';
import type { CaseStore } from './store.js';

const Answer = z.looseObject({
  returns: z.array(z.looseObject({ stockinNo: z.string().min(1), refundNo: z.string().default(''), lines: z.array(z.looseObject({ tid: z.string().min(1), oid: z.string(), sku: z.string().min(1), qty: z.number().int().nonnegative() })) })),
  nextPage: z.union([z.number().int(), z.string().min(1)]).nullable(),
});

/** Re-read this much before the cursor each run: a stock-in indexed late is not missed (a repeat changes nothing). */
const OVERLAP_MS = 5 * 60_000;
/** Told stock-ins are remembered this long after the last one (far past any overlap re-read). */
const TOLD_TTL_S = 90 * 86_400;
/** The first run looks back one day. */
const FIRST_LOOKBACK_MS = 24 * 3600_000;
/** WDT serves at most 30 days per call: a longer gap (hub down for weeks) is read in 30-day steps. */
const MAX_WINDOW_MS = 30 * 24 * 3600_000;

export interface WmsReturnsResult {
  read: number;
  /** Stock-ins told before (an overlapping re-read): skipped. */
  repeated: number;
  /** Stock-ins told to their case (the case restocks once, whatever repeats it). */
  received: number;
  /** Stock-ins with no open return case (logged with the stock-in number for a person to look at). */
  unmatched: number;
}

export interface WmsReturnsDeps {
  temporal: Client;
  redis: Redis;
  keyPrefix: string;
  registry: AdapterRegistry;
  channels: readonly ChannelConfig[];
  cases: Pick<CaseStore, 'ofOrder' | 'get'>;
  logger: Logger;
  /** afterSales.returns.wms: the connector offering wms.returns.received. */
  wms: string | undefined;
  now?: () => Date;
}

/**
 * The WMS's return stock-ins (退货入库) as "return received" on their cases: each stock-in's
 * platform order (the WMS push's tid, else every channel's order key for that id) and its open
 * return case (a line the stock-in names first), told through the case's returnReceived update,
 * which restocks exactly once (or quarantines, per afterSales.returns.disposition). The Redis
 * cursor moves only after a whole window is told.
 */
export function createWmsReturnsActivities(d: WmsReturnsDeps) {
  const now = d.now ?? (() => new Date());
  const cursorKey = (wms: string) => `${d.keyPrefix}wms-returns:cursor:${wms}`;
  const toldKey = (wms: string) => `${d.keyPrefix}wms-returns:told:${wms}`;

  async function orderKeyOf(tid: string): Promise<string | null> {
    const wf = await d.redis.get(wmsTidKey(d.keyPrefix, tid));
    if (wf?.startsWith('order:')) return wf.slice('order:'.length);
    for (const ch of d.channels) {
      const key = orderKey(ch.id, tid);
      if ((await d.cases.ofOrder(key)).length) return key;
    }
    return null;
  }

  async function caseFor(orderKeyValue: string, oids: ReadonlySet<string>): Promise<string | null> {
    const open = [];
    for (const k of await d.cases.ofOrder(orderKeyValue)) {
      const c = await d.cases.get(k);
      if (c && RETURN_TYPES.includes(c.type) && c.state !== CASE_STATE.CLOSED && c.state !== CASE_STATE.RETURN_RECEIVED) open.push(c);
    }
    const named = open.find((c) => z.array(z.looseObject({ lineId: z.string() })).catch([]).parse(c['lines']).some((l) => oids.has(l.lineId)));
    return (named ?? (open.length === 1 ? open[0] : undefined))?.caseKey ?? null;
  }

  return {
    async receiveWmsReturns(): Promise<WmsReturnsResult> {
      const out: WmsReturnsResult = { read: 0, repeated: 0, received: 0, unmatched: 0 };
      const wms = d.wms;
      if (!wms) return out;
      const { instance } = await d.registry.connector(wms);
      const ctx = Context.current();
      const stored = await d.redis.get(cursorKey(wms));
      const end = now();
      let start = new Date(stored ? Date.parse(stored) - OVERLAP_MS : end.getTime() - FIRST_LOOKBACK_MS);
      while (start < end) {
        const windowEnd = new Date(Math.min(end.getTime(), start.getTime() + MAX_WINDOW_MS));
        let page: number | string | null = null;
        for (;;) {
          const raw = await instance.invoke(CAPABILITY.WMS_RETURNS_RECEIVED, { window: { start: start.toISOString(), end: windowEnd.toISOString() }, ...(page === null ? {} : { page }) }, { signal: ctx.cancellationSignal, idempotencyKey: `wms-returns:${wms}:${start.toISOString()}:${String(page)}`, logger: d.logger, heartbeat: (x?: unknown) => ctx.heartbeat(x) });
          const a = Answer.parse(raw);
          for (const r of a.returns) {
            out.read++;
            ctx.heartbeat(r.stockinNo);
            if (await d.redis.sismember(toldKey(wms), r.stockinNo)) {
              out.repeated++;
              continue;
            }
            const tid = r.lines[0]?.tid;
            const key = tid ? await orderKeyOf(tid) : null;
            const caseKey = key ? await caseFor(key, new Set(r.lines.map((l) => l.oid))) : null;
            if (!caseKey) {
              out.unmatched++;
              d.logger.warn({ wms, stockinNo: r.stockinNo, refundNo: r.refundNo, tid: tid ?? null }, 'return stock-in matches no open return case: not restocked by the hub');
              continue;
            }
            try {
              await d.temporal.workflow.getHandle(caseKey).executeUpdate(returnReceived, { args: [{ actor: `wms ${wms} (${r.stockinNo})`, lines: r.lines.map((l) => ({ lineId: l.oid, qty: l.qty, sku: l.sku })), note: `stock-in ${r.stockinNo}${r.refundNo ? `, WMS return ${r.refundNo}` : ''}` }] });
              // Told: a re-read of the overlap skips it (the case would restock nothing anyway, but would log the report).
              await d.redis.multi().sadd(toldKey(wms), r.stockinNo).expire(toldKey(wms), TOLD_TTL_S).exec();
              out.received++;
            } catch (err) {
              if (err instanceof WorkflowNotFoundError) {
                out.unmatched++;
                continue;
              }
              throw new Error(`case ${caseKey} not told of stock-in ${r.stockinNo}, the window is read again: ${errorMessage(err)}`);
            }
          }
          if (a.nextPage === null || a.nextPage === page) break;
          page = a.nextPage;
        }
        await d.redis.set(cursorKey(wms), windowEnd.toISOString());
        start = windowEnd;
      }
      d.logger.info({ wms, ...out }, 'WMS return stock-ins read');
      return out;
    },
  };
}

export type WmsReturnsActivities = ReturnType<typeof createWmsReturnsActivities>;
