import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Redis } from 'ioredis';
import type { ChannelConfig } from '../config/schema.js';
import type { Delivery, OrderIntake } from '../intake/order-intake.js';
import type { CanonicalOrder } from '../canonical/order.js';
import { MappingError, type MappingEngine } from '../mapping/engine.js';
import { mapInboundOrder } from '../mapping/inbound.js';
import type { Logger } from '../logger.js';
import type { AdapterRegistry } from '../sdk/registry.js';
import { errorMessage } from '../util/errors.js';
import { guardCall, type ResilienceLayers } from '../resilience/index.js';
import { CAPABILITY } from '../sdk/capabilities.js';
import { adapterFailure } from '../activities/adapter-failure.js';
import { column, type CallLimits, type ErpRow } from '../../adapters/legacy-erp/instance.js';
import { compareCursor, overlapStart, type Cursor } from '../../adapters/legacy-erp/sql.js';
import { FAILURE_TYPE } from '../sdk/failure-types.js';

export interface PollBatchInput {
  connector: string;
  channel: string;
  /** Where this batch reads from; null on a run's first batch (the run then starts at the overlap window). */
  scan: Cursor | null;
  first: boolean;
}

export interface PollBatchResult {
  rows: number;
  started: number;
  duplicates: number;
  quarantined: number;
  /** Re-read in the overlap window and already taken: nothing done. */
  skipped: number;
  /** Where the next batch of this run reads from. */
  next: Cursor | null;
  /** A full batch: there may be more rows right now. */
  more: boolean;
}

export interface LegacyErpDeps {
  redis: Redis;
  keyPrefix: string;
  logger: Logger;
  registry?: AdapterRegistry;
  intake?: OrderIntake;
  mappings?: MappingEngine;
  channels?: readonly ChannelConfig[];
  /** The hub's breakers (per-call deadline, fail fast on a dead ERP) and rate limits; absent = calls go straight through. */
  resilience?: ResilienceLayers | null;
}

/**
 * Breaker keys of the poll's two kinds of call. Reads are the connector's `order.pull` (the same
 * key invokeAdapter uses, so `resilience.breakers.connectors.<erp>.capabilities.order.pull` tunes
 * both, with the built-in long deadline of paged pulls). Flag writes get their own key: short
 * UPDATEs that deserve the default deadline, not a long pull's, and whose circuit is tuned apart.
 */
export const ERP_POLL_CALL = { READ: CAPABILITY.ORDER_PULL, FLAG: 'order.pull.flag' } as const;

/**
 * The durable cursor lives in Redis, the hub's own durable store (append-only file), beside the
 * quarantine and the delivery dedupe keys. Not in the ERP's database: the hub must not create
 * tables in a seller's ERP (only its flag column is written, when one is configured). Not in the
 * workflow's state: each scheduled run is a new workflow and must start where the last one ended.
 */
export class ErpCursorStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(connector: string) {
    return `${this.prefix}erp:cursor:${connector}`;
  }

  async get(connector: string): Promise<Cursor | null> {
    const v = await this.redis.hmget(this.key(connector), 'updatedAt', 'key');
    return v[0] !== null && v[0] !== undefined && v[1] !== null && v[1] !== undefined ? { updatedAt: v[0], key: v[1] } : null;
  }

  /** Moves forward only: a retried or overlapping batch never moves it back. */
  async advance(connector: string, to: Cursor): Promise<Cursor> {
    const cur = await this.get(connector);
    if (cur && compareCursor(to, cur) <= 0) return cur;
    await this.redis.hset(this.key(connector), { updatedAt: to.updatedAt, key: to.key });
    return to;
  }

  async reset(connector: string): Promise<void> {
    await this.redis.del(this.key(connector));
  }
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const out: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      const item = items[i] as T;
      try {
        out[i] = { status: 'fulfilled', value: await fn(item) };
      } catch (reason) {
        out[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function str(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/** Activities of the ERP poll workflow (workflows/erp-poll.ts). */
export function createLegacyErpActivities(deps: LegacyErpDeps) {
  const cursors = new ErpCursorStore(deps.redis, deps.keyPrefix);
  const seenKey = (connector: string, key: string) => `${deps.keyPrefix}erp:seen:${connector}:${key}`;

  async function resolve(input: { connector: string; channel: string }) {
    if (!deps.registry || !deps.intake || !deps.mappings) throw ApplicationFailure.nonRetryable('the legacy-ERP poller needs adapters and the intake on this worker', FAILURE_TYPE.NOT_CONFIGURED);
    const channel = deps.channels?.find((c) => c.id === input.channel);
    if (!channel) throw ApplicationFailure.nonRetryable(`no channel "${input.channel}" is configured`, FAILURE_TYPE.NOT_CONFIGURED);
    const { instance } = await deps.registry.connector(input.connector);
    const table = instance.surfaces?.()[CAPABILITY.ORDER_PULL];
    if (!table) throw ApplicationFailure.nonRetryable(`connector ${input.connector} has no table to poll (a legacy-erp connector with a poll section)`, FAILURE_TYPE.NOT_CONFIGURED);
    return { channel, conn: table, poll: table.settings, intake: deps.intake, mappings: deps.mappings };
  }

  /**
   * One ODBC call through the layers every outbound call goes through (breaker with its per-call
   * deadline, rate limit), never answered from a cache: a poll must see the table as it is. Its
   * errors become Temporal's the way invokeAdapter's do, so a statement that can never work (bad
   * column, missing driver) fails the run at once as AdapterRejected instead of being retried.
   */
  async function guarded<T>(connector: string, capability: string, input: unknown, log: Logger, action: (limits: CallLimits) => Promise<T>): Promise<T> {
    const ctx = Context.current();
    const timeoutMs = deps.resilience?.breakers.settingsFor(connector, capability).timeout;
    const call = (signal: AbortSignal) => action({ signal, ...(timeoutMs ? { deadline: Date.now() + timeoutMs } : {}) });
    // A read may run up to its deadline (order.pull: 2 min built in), past the activity's 1 min
    // heartbeat timeout: keep beating while it runs, or Temporal would start a second attempt
    // beside a query that is still holding a connection.
    const beat = setInterval(() => ctx.heartbeat({ phase: 'odbc', capability }), 10_000);
    try {
      if (!deps.resilience) return await call(ctx.cancellationSignal);
      // Without the last-known-good layer: with allowStale false it would only copy every batch of
      // buyer rows into Redis (were order.pull listed as a read) for an answer never served.
      const r = await guardCall({ ...deps.resilience, lkg: null }, { connector, capability }, input, ctx.cancellationSignal, call, { allowStale: false });
      if (r.stale) throw new Error('a poll call was answered from the cache'); // no cache layer: cannot happen
      return r.value;
    } catch (err) {
      throw adapterFailure(err, connector, log.child({ capability, attempt: ctx.info.attempt }));
    } finally {
      clearInterval(beat);
    }
  }

  return {
    /**
     * One batch: read rows after the scan position, start each row's order workflow (the id comes
     * from the ERP order number, REJECT_DUPLICATE, so a re-read row never starts a second one),
     * quarantine rows that fail mapping, and only then flag the rows and move the cursor. A
     * crash anywhere before the cursor moves makes the next attempt read the same rows again:
     * nothing is skipped, the duplicates are refused by Temporal, the flags are written then.
     */
    async pollLegacyErpBatch(input: PollBatchInput): Promise<PollBatchResult> {
      const { channel, conn, poll, intake, mappings } = await resolve(input);
      const ctx = Context.current();
      const log = deps.logger.child({ connector: input.connector, channel: channel.id });
      const cursor = poll.updatedAtColumn ? await cursors.get(input.connector) : null;
      const from = input.first ? overlapStart(cursor, poll.overlapSeconds) : input.scan;
      const rows = await guarded(input.connector, ERP_POLL_CALL.READ, { from }, log, (limits) => conn.fetchBatch(from, limits));
      ctx.heartbeat({ phase: 'read', rows: rows.length });

      type Row = { row: ErpRow; key: string; updatedAt: string | null };
      const parsed: Row[] = [];
      for (const row of rows) {
        const key = str(column(row, poll.keyColumn));
        if (key === null) throw ApplicationFailure.nonRetryable(`a row has no value in key column ${poll.keyColumn}`, FAILURE_TYPE.INVALID_ROW);
        parsed.push({ row, key, updatedAt: poll.updatedAtColumn ? str(column(row, poll.updatedAtColumn)) : null });
      }
      const seen = parsed.length ? await deps.redis.mget(parsed.map((r) => seenKey(input.connector, r.key))) : [];
      const todo: Row[] = [];
      let skipped = 0;
      parsed.forEach((r, i) => {
        const flag = poll.syncedColumn ? column(r.row, poll.syncedColumn) : undefined;
        const flagged = flag !== undefined && flag !== null && (Number(flag) === poll.syncedValue || Number(flag) === poll.errorValue);
        const reRead = cursor !== null && r.updatedAt !== null && compareCursor({ updatedAt: r.updatedAt, key: r.key }, cursor) <= 0;
        // A row already taken at this version (remembered after its flag was written, or flagged in
        // the overlap window) is left alone; a late commit, or a row whose flag never got written, is not.
        const taken = r.updatedAt !== null && seen[i] === r.updatedAt;
        if (taken || (reRead && flagged)) skipped++;
        else todo.push(r);
      });

      const receivedAt = new Date().toISOString();
      // Mapped in row order, then started in parallel. (The engine runs evaluations one at a time,
      // so its time limit measures each row's own mapping, not the load.)
      type Mapped = { r: Row; delivery: Delivery; order: CanonicalOrder } | { r: Row; quarantineId: string };
      const mapped: Mapped[] = [];
      for (const r of todo) {
        const delivery: Delivery = { channel, platform: 'legacy-erp', payload: r.row, rawBody: JSON.stringify(r.row), deliveryId: `${r.key}@${r.updatedAt ?? ''}`, receivedAt, kind: 'poll' };
        try {
          mapped.push({ r, delivery, order: await mapInboundOrder(mappings, channel.mapping, r.row, { platform: 'legacy-erp', channel: channel.id, shop: channel.shop, currency: channel.currency, receivedAt }) });
        } catch (err) {
          if (!(err instanceof MappingError)) throw err;
          mapped.push({ r, quarantineId: await intake.quarantine(delivery, err) });
        }
      }
      ctx.heartbeat({ phase: 'mapped', rows: todo.length });
      let n = 0;
      const results = await mapLimit(mapped, poll.concurrency, async (m) => {
        if (!('order' in m)) return { r: m.r, outcome: 'quarantined' as const };
        // Per row (the SDK throttles them): a slow Temporal must not look like a dead worker.
        ctx.heartbeat({ phase: 'starting', done: n++, of: mapped.length });
        const res = await intake.start(m.order, m.delivery);
        return { r: m.r, outcome: res.duplicate ? ('duplicate' as const) : ('started' as const) };
      });
      ctx.heartbeat({ phase: 'started', rows: todo.length });

      // Rows are processed up to the first failure; the cursor must not pass it.
      const firstFailure = results.findIndex((x) => x.status === 'rejected');
      // Quarantined rows are done wherever they are (the quarantine holds them): flagged and
      // remembered now, so a retry of this batch does not quarantine them a second time.
      const done = results.flatMap((x, i) => (x.status === 'fulfilled' && (firstFailure === -1 || i < firstFailure || x.value.outcome === 'quarantined') ? [x.value] : []));
      const ok = done.filter((d) => d.outcome !== 'quarantined').map((d) => d.r.key);
      const bad = done.filter((d) => d.outcome === 'quarantined').map((d) => d.r.key);
      // Flags strictly after the starts above returned: a flagged row always has its workflow (or its quarantine entry).
      for (const [value, keys] of [[poll.syncedValue, ok], [poll.errorValue, bad]] as const) {
        if (keys.length && poll.syncedColumn) await guarded(input.connector, ERP_POLL_CALL.FLAG, { value, keys }, log, (limits) => conn.markRows(value, keys, limits));
      }
      if (done.length) {
        const ttl = Math.max(3600, poll.overlapSeconds * 4);
        const m = deps.redis.multi();
        for (const d of done) m.set(seenKey(input.connector, d.r.key), d.r.updatedAt ?? '', 'EX', ttl);
        await m.exec();
      }
      const failed = firstFailure === -1 ? null : results[firstFailure];
      // The cursor covers every row before the first one not handled (skipped ones included).
      const stopRow = firstFailure !== -1 ? mapped[firstFailure]?.r : undefined;
      const lastOk = stopRow === undefined ? parsed[parsed.length - 1] : parsed[parsed.indexOf(stopRow) - 1];
      const next = lastOk?.updatedAt ? { updatedAt: lastOk.updatedAt, key: lastOk.key } : null;
      if (next) await cursors.advance(input.connector, next);
      const summary = {
        rows: rows.length,
        started: done.filter((d) => d.outcome === 'started').length,
        duplicates: done.filter((d) => d.outcome === 'duplicate').length,
        quarantined: bad.length,
        skipped,
      };
      if (failed && failed.status === 'rejected') {
        log.warn({ ...summary, err: errorMessage(failed.reason) }, 'ERP batch stopped at a row that could not be started; retrying');
        throw failed.reason;
      }
      if (summary.rows) log.info(summary, 'ERP batch polled');
      return { ...summary, next: next ?? from, more: rows.length >= poll.batchSize && (poll.updatedAtColumn !== undefined || ok.length + bad.length > 0) };
    },
  };
}

export type LegacyErpActivities = ReturnType<typeof createLegacyErpActivities>;
