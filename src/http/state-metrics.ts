import type { Client } from '@temporalio/client';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import type { PollCursorStore } from '../polling/cursor.js';
import type { DecisionQueue } from '../store/decisions.js';
import { errorMessage } from '../util/errors.js';
import { LIFECYCLE_STATE } from '../../workflows/states.js';
import { SA_ORDER_STATUS } from '../../workflows/search-attributes.js';

/** One scrape waits at most this long for Temporal's visibility store. */
const COUNT_DEADLINE_MS = 2_000;

/**
 * Gauges read from the shared stores at scrape time (Temporal visibility, Redis), so whichever
 * hub process serves /metrics reports the whole deployment: in the split topology only the HTTP
 * role serves it, while the workflows run on the workers.
 */
export function registerStateMetrics(registry: Registry, d: { client: Client; namespace: string; taskQueue: string; decisions: DecisionQueue; cursors: PollCursorStore; polledChannels: readonly string[]; logger: Logger }) {
  const orders = new Gauge({
    name: 'zhongshu_orders',
    help: 'Running order workflows on this hub\'s task queue, by lifecycle state (OrderStatus search attribute)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      try {
        const counts = await Promise.all(
          Object.values(LIFECYCLE_STATE).map(async (state) => {
            const query = `${SA_ORDER_STATUS.name} = '${state}' AND ExecutionStatus = 'Running' AND TaskQueue = '${d.taskQueue}'`;
            const res = await d.client.connection.withDeadline(Date.now() + COUNT_DEADLINE_MS, () => d.client.workflowService.countWorkflowExecutions({ namespace: d.namespace, query }));
            return [state, Number(res.count ?? 0)] as const;
          }),
        );
        for (const [state, n] of counts) this.set({ state }, n);
      } catch (err) {
        // The last values stay; the scrape still answers with everything else.
        d.logger.warn({ err: errorMessage(err) }, 'orders-by-state gauge: Temporal visibility did not answer');
      }
    },
  });
  const holds = new Gauge({
    name: 'zhongshu_orders_on_hold',
    help: 'Orders waiting on a person\'s decision, by reason (the decision queue)',
    labelNames: ['reason'] as const,
    registers: [registry],
    async collect() {
      try {
        const byReason = new Map<string, number>();
        for (const x of await d.decisions.list()) byReason.set(x.reason, (byReason.get(x.reason) ?? 0) + 1);
        this.reset();
        for (const [reason, n] of byReason) this.set({ reason }, n);
      } catch (err) {
        d.logger.warn({ err: errorMessage(err) }, 'holds gauge: Redis did not answer');
      }
    },
  });
  const pollLag = new Gauge({
    name: 'zhongshu_poll_lag_seconds',
    help: 'Seconds between now and the modified-time cursor of each polled channel (how far behind the platform the hub has read)',
    labelNames: ['channel'] as const,
    registers: [registry],
    async collect() {
      for (const channel of d.polledChannels) {
        try {
          const at = await d.cursors.get(channel);
          if (at) this.set({ channel }, Math.max(0, (Date.now() - at.getTime()) / 1000));
        } catch (err) {
          d.logger.warn({ err: errorMessage(err), channel }, 'poll-lag gauge: cursor unreadable');
        }
      }
    },
  });
  return { orders, holds, pollLag };
}
