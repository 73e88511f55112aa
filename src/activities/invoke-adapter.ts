import { ApplicationFailure, Context } from '@temporalio/activity';
import type { MappingEngine } from '../mapping/engine.js';
import type { Logger } from '../logger.js';
import type { Breakers } from '../resilience/breakers.js';
import { AdapterError } from '../sdk/errors.js';
import type { AdapterRegistry } from '../sdk/registry.js';
import { CAPABILITY, type Capability } from '../sdk/capabilities.js';
import { errorMessage } from '../util/errors.js';

export interface InvokeAdapterInput {
  connector: string;
  capability: Capability;
  /** Idempotency key: workflow id + step, passed to the external system where it takes one. */
  idempotencyKey: string;
  input: unknown;
  /** Outbound mapping applied to `input` first (pinned version), with extra context. */
  mapping?: { id: string; context?: Record<string, unknown> } | null;
}

const CAPABILITIES: ReadonlySet<string> = new Set(Object.values(CAPABILITY));

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
  /** Per (connector, capability) circuit breakers with a per-call deadline; absent = calls go straight through. */
  breakers?: Breakers | null;
}) {
  return async function invokeAdapter(req: InvokeAdapterInput): Promise<unknown> {
    if (!CAPABILITIES.has(req.capability)) throw ApplicationFailure.nonRetryable(`unknown capability ${req.capability}`, 'UnknownCapability');
    if (!deps.registry.supports(req.connector, req.capability)) {
      throw ApplicationFailure.nonRetryable(`connector ${req.connector} does not offer ${req.capability}`, 'CapabilityNotSupported');
    }
    const ctx = Context.current();
    let payload = req.input;
    if (req.mapping) {
      try {
        payload = await deps.mappings.evaluate(req.mapping.id, req.input, req.mapping.context ?? {});
      } catch (err) {
        throw ApplicationFailure.nonRetryable(`outbound mapping ${req.mapping.id}: ${errorMessage(err)}`, 'MappingFailed');
      }
    }
    const { instance } = await deps.registry.connector(req.connector);
    const log = deps.logger.child({ connector: req.connector, capability: req.capability, attempt: ctx.info.attempt });
    try {
      const call = (signal: AbortSignal) =>
        instance.invoke(req.capability, payload, { signal, idempotencyKey: req.idempotencyKey, logger: log, heartbeat: (d?: unknown) => ctx.heartbeat(d) });
      // The breaker hands the adapter a signal of its own: this attempt's cancellation plus the
      // call's deadline. An open circuit fails fast with retryAfterMs, which becomes nextRetryDelay below.
      const out = deps.breakers ? await deps.breakers.call({ connector: req.connector, capability: req.capability }, ctx.cancellationSignal, call) : await call(ctx.cancellationSignal);
      // Courier route pushes name the waybill, not the order: remember which workflow owns it.
      const waybillNo = req.capability === CAPABILITY.WAYBILL_CREATE && typeof out === 'object' && out !== null && 'waybillNo' in out && typeof out.waybillNo === 'string' ? out.waybillNo : null;
      if (waybillNo && deps.onWaybill && ctx.info.workflowExecution) await deps.onWaybill({ waybillNo, workflowId: ctx.info.workflowExecution?.workflowId ?? '', connector: req.connector });
      return out;
    } catch (err) {
      if (err instanceof AdapterError && !err.retryable) {
        log.warn({ code: err.code }, `rejected: ${err.message}`);
        throw ApplicationFailure.nonRetryable(err.message, 'AdapterRejected', { code: err.code, connector: req.connector });
      }
      log.warn({ err: errorMessage(err) }, 'call failed; Temporal will retry by policy');
      if (err instanceof AdapterError && err.details?.retryAfterMs) {
        // Honour the system's Retry-After (429/503) instead of the policy's backoff.
        throw ApplicationFailure.create({ message: err.message, type: 'AdapterUnavailable', nextRetryDelay: err.details.retryAfterMs, details: [{ code: err.code }] });
      }
      throw err;
    }
  };
}
