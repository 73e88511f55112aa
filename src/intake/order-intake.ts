import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowStartOptions } from '@temporalio/client';
import type { Redis } from 'ioredis';
import { orderKey as makeOrderKey, type CanonicalOrder } from '../canonical/order.js';
import type { ChannelConfig } from '../config/schema.js';
import type { Metrics } from '../http/metrics.js';
import { HttpError } from '../http/errors.js';
import type { Logger } from '../logger.js';
import { MappingError, parseMappingId, type MappingEngine } from '../mapping/engine.js';
import { mapInboundOrder } from '../mapping/inbound.js';
import type { QuarantineStore } from '../store/quarantine.js';
import type { RawPayloadRecorder } from '../store/db/raw-payloads.js';
import { errorMessage } from '../util/errors.js';
import { SA_CHANNEL, SA_ORDER_ID, SA_ORDER_STATUS, SA_SHOP } from '../../workflows/search-attributes.js';
import { platformSnapshot, type LifecycleSettings, type OrderLifecycleInput, type PlatformSnapshot } from '../../workflows/order-lifecycle.js';
import { LIFECYCLE_STATE } from '../../workflows/states.js';
import { settleBy, startDeadlineFor } from './start-deadline.js';
import { closedUnpaidByHub, saysPaid } from './reopen.js';

export interface IntakeDeps {
  temporal: Client;
  taskQueue: string;
  searchAttributes: boolean;
  redis: Redis;
  keyPrefix: string;
  mappings: MappingEngine;
  quarantine: QuarantineStore;
  metrics: Metrics;
  logger: Logger;
  dedupeTtlSeconds: number;
  /** Deadline for Temporal to accept a start; platforms time out webhooks after ~5 s. */
  startDeadlineMs: number;
  /** Pinned into each workflow; null = intake only. */
  settings: LifecycleSettings | null;
  /** Channels shipping with their own courier (channels[].courier): their settings replace `settings`. */
  channelSettings?: Record<string, LifecycleSettings>;
  /** The hub has an order store: each workflow projects its order into it as it moves. */
  projection?: boolean;
  /** The highest projection seq the store holds for a workflow id (null: no row): a reopened run numbers after it. */
  projectedSeq?: (workflowId: string) => Promise<number | null>;
  /** Keeps each payload for mapping diffs (buffered, written in batches off the hot path). */
  rawPayloads?: RawPayloadRecorder | null;
}

export interface Delivery {
  channel: ChannelConfig;
  platform: string;
  /** Already parsed with big-integer-safe JSON. */
  payload: unknown;
  rawBody: string;
  deliveryId: string | null;
  /** SHA-256 (hex) of the signed body: a replay under a forged delivery id is still a duplicate. */
  bodyHash?: string | null;
  receivedAt: string;
  kind: OrderLifecycleInput['receivedVia']['kind'];
}

export interface Accepted {
  orderKey: string;
  workflowId: string;
  duplicate: boolean;
  duplicateBy?: 'delivery' | 'workflow';
  /** A paid copy of an order the hub had closed as unpaid: the lifecycle started again. */
  reopened?: boolean;
}

/** A delivery that failed mapping and is now kept in quarantine under `quarantineId`. */
export class QuarantinedError extends Error {
  constructor(
    readonly mapping: MappingError,
    readonly quarantineId: string,
  ) {
    super(mapping.message);
    this.name = 'QuarantinedError';
  }
}

function snapshotOf(order: CanonicalOrder, receivedAt: string): PlatformSnapshot {
  return {
    status: order.status,
    platformStatus: order.platformStatus,
    updatedAt: order.updatedAt ?? null,
    receivedAt,
    lines: order.lines.map((l) => ({ lineId: l.lineId, refundStatus: l.refundStatus, status: l.status ?? null })),
    address: order.address,
    paidAt: order.paidAt ?? null,
    totals: order.totals,
  };
}

/** What a copy tells the workflow, without the time it happened to arrive. */
function snapshotDigest(s: PlatformSnapshot): string {
  const { receivedAt: _arrival, ...news } = s;
  return createHash('sha256').update(JSON.stringify(news)).digest('base64url');
}

export function workflowIdFor(orderKey: string): string {
  return `order:${orderKey}`;
}

/**
 * Turns an accepted delivery into a durable workflow: map, validate, start. A payload that fails
 * mapping is quarantined before the error is returned, so it is never lost; a response is 2xx
 * only once Temporal has stored the start (or already had it).
 */
export class OrderIntake {
  /** A client on the in-process worker's NativeConnection while that worker runs (useEagerStarts). */
  private eager: Client | null = null;

  constructor(private readonly d: IntakeDeps) {}

  /**
   * From now on starts go through `client`, a Client on the NativeConnection of the worker running
   * in this process, and ask for eager start: the server hands the first workflow task back in the
   * start's answer and the SDK gives it to that worker, instead of the task going through matching
   * to a poll. The SDK asks only while the worker has a free workflow-task slot; the server may
   * decline; either way the start is an ordinary one. null: back to plain starts (the worker stops).
   */
  useEagerStarts(client: Client | null): void {
    this.eager = client;
  }

  private dedupeKey(channel: string, deliveryId: string) {
    return `${this.d.keyPrefix}delivery:${channel}:${deliveryId}`;
  }

  private bodyDedupeKey(channel: string, bodyHash: string) {
    return `${this.d.keyPrefix}delivery-body:${channel}:${bodyHash}`;
  }

  /** The digest of the last copy this order's workflow was given (its start, or a forwarded snapshot). */
  private snapshotKey(workflowId: string) {
    return `${this.d.keyPrefix}snapshot:${workflowId}`;
  }

  /** Remembers what the workflow was given; Redis trouble only costs a signal that changes nothing. */
  private async rememberSnapshot(workflowId: string, digest: string): Promise<void> {
    try {
      await this.d.redis.set(this.snapshotKey(workflowId), digest, 'EX', this.d.dedupeTtlSeconds);
    } catch (err) {
      this.d.logger.warn({ workflowId, err: errorMessage(err) }, 'could not remember the forwarded copy');
    }
  }

  /**
   * Fast path for redeliveries: a delivery id, or a signed body, seen after a successful start.
   * The delivery id header is not covered by the signature, so a captured body replayed under a
   * fresh id (an old address over a newer change) is caught by the body's hash. Redis trouble is
   * not fatal here.
   */
  async seenDelivery(channel: string, deliveryId: string | null, bodyHash: string | null = null): Promise<boolean> {
    const keys = [...(deliveryId ? [this.dedupeKey(channel, deliveryId)] : []), ...(bodyHash ? [this.bodyDedupeKey(channel, bodyHash)] : [])];
    if (!keys.length) return false;
    try {
      return (await this.d.redis.exists(...keys)) > 0;
    } catch (err) {
      this.d.logger.warn({ err: errorMessage(err) }, 'delivery dedupe unavailable; relying on workflow ids');
      return false;
    }
  }

  /**
   * Marks a delivery id and/or signed body as handled, so a redelivery or a replay is answered
   * as a duplicate. Called only once the delivery is stored (started, or kept in quarantine),
   * never before: a failed one must be processed when the platform retries. Redis trouble is
   * not fatal (workflow ids still deduplicate).
   */
  async rememberDelivery(channel: string, deliveryId: string | null, bodyHash: string | null, value = '1', also: readonly [key: string, value: string][] = []): Promise<void> {
    const keys = [...(deliveryId ? [this.dedupeKey(channel, deliveryId)] : []), ...(bodyHash ? [this.bodyDedupeKey(channel, bodyHash)] : [])];
    if (!keys.length && !also.length) return;
    try {
      // One round trip for everything a stored delivery leaves behind (start's snapshot digest too).
      const m = this.d.redis.multi();
      for (const k of keys) m.set(k, value, 'EX', this.d.dedupeTtlSeconds);
      for (const [k, v] of also) m.set(k, v, 'EX', this.d.dedupeTtlSeconds);
      await m.exec();
    } catch (err) {
      this.d.logger.warn({ err: errorMessage(err) }, 'could not remember delivery id');
    }
  }

  async accept(delivery: Delivery): Promise<Accepted> {
    const { channel } = delivery;
    // Mapped or not, the payload is what a new mapping version must be tried on.
    this.d.rawPayloads?.record({ receivedAt: delivery.receivedAt, channel: channel.id, platform: delivery.platform, shop: channel.shop, currency: channel.currency, mapping: channel.mapping, body: delivery.rawBody });
    let order: CanonicalOrder;
    try {
      order = await mapInboundOrder(this.d.mappings, channel.mapping, delivery.payload, {
        platform: delivery.platform,
        channel: channel.id,
        shop: channel.shop,
        currency: channel.currency,
        receivedAt: delivery.receivedAt,
      });
    } catch (err) {
      if (!(err instanceof MappingError)) throw err;
      throw new QuarantinedError(err, await this.quarantine(delivery, err));
    }
    return this.start(order, delivery);
  }

  async quarantine(delivery: Delivery, err: MappingError): Promise<string> {
    let id: string;
    try {
      const entry = await this.d.quarantine.put({
        channel: delivery.channel.id,
        adapter: delivery.channel.adapter,
        mappingId: delivery.channel.mapping,
        receivedAt: delivery.receivedAt,
        deliveryId: delivery.deliveryId,
        error: { code: err.code, message: err.message, issues: err.issues },
        rawBody: delivery.rawBody,
      });
      id = entry.id;
    } catch (qerr) {
      // Cannot keep it: refuse it, so the platform redelivers later instead of us losing it.
      this.d.logger.error({ err: errorMessage(qerr) }, 'quarantine unavailable');
      throw new HttpError(503, 'quarantine_unavailable', 'the payload failed mapping and could not be kept for replay; retry later', undefined, { 'Retry-After': '30' });
    }
    this.d.metrics.quarantined.inc({ channel: delivery.channel.id, code: err.code });
    this.d.logger.warn({ channel: delivery.channel.id, mappingId: err.mappingId, code: err.code, quarantineId: id, issues: err.issues.slice(0, 5) }, `payload quarantined: ${err.message}`);
    return id;
  }

  /**
   * A later delivery of a known order (orders/paid, orders/updated, a re-pull) is the platform's
   * newer copy: status, line refunds and delivery address go to the running workflow as one
   * snapshot with the platform's update time, which it applies unless it already applied a newer
   * one (a late or replayed copy must not bring back an old address or status). Signals are
   * durable once accepted; a finished order ignores them.
   */
  private async forwardSnapshot(workflowId: string, order: CanonicalOrder, receivedAt: string): Promise<boolean> {
    const snapshot = snapshotOf(order, receivedAt);
    // A copy with nothing new (a poll's look-back re-reading a waiting order, a redelivery under a
    // new id) would only grow the order's history by one signal each time: skipped. Two racing
    // copies may both be sent; the workflow applies a copy by its update time either way.
    const digest = snapshotDigest(snapshot);
    try {
      if ((await this.d.redis.get(this.snapshotKey(workflowId))) === digest) return true;
    } catch (err) {
      this.d.logger.warn({ workflowId, err: errorMessage(err) }, 'copy dedupe unavailable; forwarding');
    }
    try {
      await this.d.temporal.workflow.getHandle(workflowId).signal(platformSnapshot, snapshot);
      await this.rememberSnapshot(workflowId, digest);
      return true;
    } catch (err) {
      // A finished order ignores news; the delivery itself is still answered as stored.
      this.d.logger.info({ workflowId, err: errorMessage(err) }, 'platform copy not forwarded');
      return false;
    }
  }

  async start(order: CanonicalOrder, delivery: Pick<Delivery, 'channel' | 'deliveryId' | 'kind' | 'bodyHash'>): Promise<Accepted> {
    const orderKey = makeOrderKey(delivery.channel.id, order.source.platformOrderId);
    const workflowId = workflowIdFor(orderKey);
    const ref = parseMappingId(delivery.channel.mapping);
    const input: OrderLifecycleInput = {
      orderKey,
      order,
      mappings: ref ? { [`${ref.adapter}/${ref.name}`]: ref.version } : {},
      receivedVia: { kind: delivery.kind, deliveryId: delivery.deliveryId },
      searchAttributes: this.d.searchAttributes,
      settings: this.d.channelSettings?.[delivery.channel.id] ?? this.d.settings,
      ...(this.d.projection ? { projection: true } : {}),
    };
    let duplicate = false;
    let reopened = false;
    try {
      await this.startRun(input, delivery, 'REJECT_DUPLICATE');
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw this.notStored(workflowId, err);
      duplicate = true;
      if (this.d.settings && !(await this.forwardSnapshot(workflowId, order, new Date().toISOString())) && saysPaid(order)) {
        reopened = await this.reopenIfClosedUnpaid(input, delivery);
        duplicate = !reopened;
      }
    }
    // A started order remembers the copy it started from, so an identical re-read is not signalled.
    const started: [string, string][] = this.d.settings && !duplicate ? [[this.snapshotKey(workflowId), snapshotDigest(snapshotOf(order, ''))]] : [];
    await this.rememberDelivery(delivery.channel.id, delivery.deliveryId ?? null, delivery.bodyHash ?? null, workflowId, started);
    if (duplicate) return { orderKey, workflowId, duplicate, duplicateBy: 'workflow' };
    return reopened ? { orderKey, workflowId, duplicate, reopened } : { orderKey, workflowId, duplicate };
  }

  /**
   * A paid copy of an order the hub closed as unpaid (its own countdown, which may end before the
   * platform's): the buyer paid, so the lifecycle starts again from this copy as a new run of the
   * same workflow id. Any other finished order stays finished. Two copies racing here start one run:
   * the second start finds it running and is forwarded to it.
   */
  private async reopenIfClosedUnpaid(input: OrderLifecycleInput, delivery: Pick<Delivery, 'channel' | 'kind'>): Promise<boolean> {
    const workflowId = workflowIdFor(input.orderKey);
    try {
      if (!(await closedUnpaidByHub(this.d.temporal, workflowId))) return false;
      // Numbered after the closed run's writes, or the store would keep showing it closed.
      const floor = this.d.projection && this.d.projectedSeq ? await this.d.projectedSeq(workflowId) : null;
      await this.startRun(floor === null ? input : { ...input, projectionSeqFloor: floor }, delivery, 'ALLOW_DUPLICATE');
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        // Another copy reopened it a moment ago: this one is news for that run.
        await this.forwardSnapshot(workflowId, input.order, new Date().toISOString());
        return false;
      }
      throw this.notStored(workflowId, err);
    }
    this.d.logger.warn({ workflowId, channel: delivery.channel.id }, 'paid after the hub closed it unpaid: the lifecycle starts again from the paid copy');
    return true;
  }

  private async startRun(input: OrderLifecycleInput, delivery: Pick<Delivery, 'channel' | 'kind'>, reuse: 'REJECT_DUPLICATE' | 'ALLOW_DUPLICATE'): Promise<void> {
    const deadline = Date.now() + startDeadlineFor(delivery.kind, this.d.startDeadlineMs);
    const options: WorkflowStartOptions = {
      taskQueue: this.d.taskQueue,
      workflowId: workflowIdFor(input.orderKey),
      args: [input],
      // A finished order's id is reused only to reopen one the hub closed unpaid (reopenIfClosedUnpaid).
      workflowIdReusePolicy: reuse,
      ...(this.d.searchAttributes
        ? {
            typedSearchAttributes: [
              { key: SA_ORDER_ID, value: input.orderKey },
              { key: SA_CHANNEL, value: delivery.channel.id },
              { key: SA_SHOP, value: delivery.channel.shop },
              { key: SA_ORDER_STATUS, value: LIFECYCLE_STATE.RECEIVED },
            ],
          }
        : {}),
    };
    const eager = this.eager;
    const { eagerlyStarted } = eager
      ? await settleBy(deadline, eager.connection.withDeadline(deadline, () => eager.workflow.start('orderLifecycle', { ...options, requestEagerStart: true })))
      : await this.d.temporal.connection.withDeadline(deadline, () => this.d.temporal.workflow.start('orderLifecycle', options));
    this.d.metrics.workflowsStarted.inc({ channel: delivery.channel.id });
    if (eagerlyStarted) this.d.metrics.workflowsStartedEager.inc({ channel: delivery.channel.id });
  }

  private notStored(workflowId: string, err: unknown): HttpError {
    this.d.logger.error({ workflowId, err: errorMessage(err) }, 'Temporal did not accept the workflow start');
    return new HttpError(503, 'temporal_unavailable', 'the order could not be stored durably right now; retry later', undefined, { 'Retry-After': '10' });
  }
}
