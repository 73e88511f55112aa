import { ApplicationFailure, Context } from '@temporalio/activity';
import type { MappingEngine } from '../mapping/engine.js';
import { MappingUnavailableError } from '../mapping/pool.js';
import type { Logger } from '../logger.js';
import { guardCall, type RequestRateLimit, type ResilienceLayers } from '../resilience/index.js';
import { adapterFailure } from './adapter-failure.js';
import type { AdapterRegistry } from '../sdk/registry.js';
import { CAPABILITY, type Capability } from '../sdk/capabilities.js';
import { errorMessage } from '../util/errors.js';
import { FAILURE_TYPE } from '../sdk/failure-types.js';
import type { ShadowGate } from '../shadow/gate.js';

export interface InvokeAdapterInput {
  connector: string;
  capability: Capability;
  /** Idempotency key: workflow id + step, passed to the external system where it takes one. */
  idempotencyKey: string;
  input: unknown;
  /** Outbound mapping applied to `input` first (pinned version), with extra context. */
  mapping?: { id: string; context?: Record<string, unknown> } | null;
  /**
   * A read (stock.query, tracking.query, configured reads) may be answered from its last-known-good
   * value when the system is down. Only callers that ask get it, and with allowStale the answer is
   * always a ReadResult envelope saying how fresh it is, so a stale value is never taken for a live one.
   */
  allowStale?: boolean;
}

/** What invokeAdapter answers for a read with allowStale: the value and its freshness. */
export type ReadResult = { value: unknown; stale: false; ageMs: 0; fetchedAt: string } | { value: unknown; stale: true; ageMs: number; fetchedAt: string };

const CAPABILITIES: ReadonlySet<string> = new Set(Object.values(CAPABILITY));
/** How long a step waits before mapping again when the mapping pool was full. */
const MAPPING_BUSY_RETRY_MS = 1_000;

/**
 * The one activity every external call goes through: resolve the connector, build the request
 * with its outbound mapping, call the adapter with this attempt's AbortSignal, and turn the
 * adapter's verdict into Temporal's: retryable errors are retried by policy, business
 * rejections fail the workflow step at once with an explicit type.
 */
export function createInvokeAdapter(deps: {
  registry: AdapterRegistry;
  mappings: MappingEngine;
  logger: Logger;
  onWaybill?: (w: { waybillNo: string; workflowId: string; connector: string }) => Promise<void>;
  /** The WMS took an outbound order: its tid names the order in the WMS's logistics sync (单号补录). */
  onWmsPush?: (p: { tid: string; workflowId: string; connector: string }) => Promise<void>;
  /** When the WMS had accepted a workflow's trade (InventoryPool.handOver's acceptedBy): cleared before each push, set once it answered. */
  wmsAcceptance?: { pushing(workflowId: string): Promise<void>; accepted(workflowId: string): Promise<unknown> } | null;
  /** Breakers (per-call deadline), last-known-good reads, shared rate limits; absent = calls go straight through. */
  resilience?: ResilienceLayers | null;
  /** Shadow-mode channels: their writes are recorded, not sent (src/shadow). */
  shadow?: ShadowGate | null;
}) {
  return async function invokeAdapter(req: InvokeAdapterInput): Promise<unknown> {
    if (!CAPABILITIES.has(req.capability)) throw ApplicationFailure.nonRetryable(`unknown capability ${req.capability}`, FAILURE_TYPE.UNKNOWN_CAPABILITY);
    if (!deps.registry.supports(req.connector, req.capability)) {
      throw ApplicationFailure.nonRetryable(`connector ${req.connector} does not offer ${req.capability}`, FAILURE_TYPE.CAPABILITY_NOT_SUPPORTED);
    }
    const ctx = Context.current();
    let payload = req.input;
    if (req.mapping) {
      try {
        payload = await deps.mappings.evaluate(req.mapping.id, req.input, req.mapping.context ?? {});
      } catch (err) {
        // A full or closing mapping pool says nothing about the order: nothing was sent, so it is
        // waited out like an outage (the lifecycle's outage wait) instead of failing the step.
        if (err instanceof MappingUnavailableError) {
          throw ApplicationFailure.create({ message: `outbound mapping ${req.mapping.id}: ${errorMessage(err)}`, type: FAILURE_TYPE.ADAPTER_UNAVAILABLE, nonRetryable: false, nextRetryDelay: MAPPING_BUSY_RETRY_MS });
        }
        throw ApplicationFailure.nonRetryable(`outbound mapping ${req.mapping.id}: ${errorMessage(err)}`, FAILURE_TYPE.MAPPING_FAILED);
      }
    }
    // Cleared before anything can be sent: the hand-over after this push must not see an earlier push's time.
    const pushingFor = req.capability === CAPABILITY.WMS_ORDER_PUSH ? (ctx.info.workflowExecution?.workflowId ?? null) : null;
    if (pushingFor && deps.wmsAcceptance) await deps.wmsAcceptance.pushing(pushingFor);
    if (deps.shadow) {
      const workflowId = ctx.info.workflowExecution?.workflowId ?? '';
      let answer: Record<string, unknown> | null;
      try {
        answer = await deps.shadow.route({ connector: req.connector, capability: req.capability, idempotencyKey: req.idempotencyKey, payload, workflowId });
      } catch (err) {
        // The store being down is an outage like any other: nothing was sent, so the step waits.
        throw ApplicationFailure.create({ message: `shadow recorder: ${errorMessage(err)}`, type: FAILURE_TYPE.ADAPTER_UNAVAILABLE, nonRetryable: false });
      }
      if (answer) return answer;
    }
    const { instance } = await deps.registry.connector(req.connector);
    const log = deps.logger.child({ connector: req.connector, capability: req.capability, attempt: ctx.info.attempt });
    try {
      const call = (signal: AbortSignal, rateLimit?: RequestRateLimit) =>
        instance.invoke(req.capability, payload, { signal, idempotencyKey: req.idempotencyKey, logger: log, heartbeat: (d?: unknown) => ctx.heartbeat(d), ...(rateLimit ? { rateLimit } : {}) });
      // The breaker hands the adapter a signal of its own: this attempt's cancellation plus the
      // call's deadline, and the rate-limit hook its transport calls before each request. An open
      // circuit or an empty rate-limit bucket fails fast with retryAfterMs, which becomes
      // nextRetryDelay below.
      const key = { connector: req.connector, capability: req.capability };
      const guarded = deps.resilience
        ? await guardCall(deps.resilience, key, payload, ctx.cancellationSignal, call, { allowStale: req.allowStale === true })
        : { stale: false as const, value: await call(ctx.cancellationSignal) };
      const out = guarded.value;
      if (pushingFor && deps.wmsAcceptance) await deps.wmsAcceptance.accepted(pushingFor);
      // Courier route pushes name the waybill, not the order: remember which workflow owns it.
      const waybillNo = req.capability === CAPABILITY.WAYBILL_CREATE && typeof out === 'object' && out !== null && 'waybillNo' in out && typeof out.waybillNo === 'string' ? out.waybillNo : null;
      if (waybillNo && deps.onWaybill && ctx.info.workflowExecution) await deps.onWaybill({ waybillNo, workflowId: ctx.info.workflowExecution?.workflowId ?? '', connector: req.connector });
      const tid = req.capability === CAPABILITY.WMS_ORDER_PUSH && typeof out === 'object' && out !== null && 'tid' in out && typeof out.tid === 'string' ? out.tid : null;
      if (tid && deps.onWmsPush && ctx.info.workflowExecution) await deps.onWmsPush({ tid, workflowId: ctx.info.workflowExecution.workflowId, connector: req.connector });
      if (req.allowStale) {
        const read: ReadResult = guarded.stale ? { value: out, stale: true, ageMs: guarded.ageMs, fetchedAt: guarded.fetchedAt } : { value: out, stale: false, ageMs: 0, fetchedAt: new Date().toISOString() };
        return read;
      }
      return out;
    } catch (err) {
      throw adapterFailure(err, req.connector, log);
    }
  };
}
