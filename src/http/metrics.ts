import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per hub instance, so two hubs in one process (tests, embedding) never collide. */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'zhongshu_' });
  const httpRequests = new Counter({
    name: 'zhongshu_http_requests_total',
    help: 'HTTP requests by matched route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'zhongshu_http_request_duration_seconds',
    help: 'HTTP request duration by matched route',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const workflowsStarted = new Counter({
    name: 'zhongshu_workflows_started_total',
    help: 'Order workflows started (duplicates not counted)',
    labelNames: ['channel'] as const,
    registers: [registry],
  });
  const workflowsStartedEager = new Counter({
    name: 'zhongshu_workflows_started_eagerly_total',
    help: 'Order workflows whose start handed the first workflow task straight to this process\'s worker (eager start); the rest of zhongshu_workflows_started_total went through matching',
    labelNames: ['channel'] as const,
    registers: [registry],
  });
  const webhookDuplicates = new Counter({
    name: 'zhongshu_webhook_duplicates_total',
    help: 'Webhook deliveries answered as duplicates',
    labelNames: ['adapter', 'by'] as const,
    registers: [registry],
  });
  const webhookRejections = new Counter({
    name: 'zhongshu_webhook_rejections_total',
    help: 'Webhook deliveries rejected, by reason',
    labelNames: ['adapter', 'reason'] as const,
    registers: [registry],
  });
  const quarantined = new Counter({
    name: 'zhongshu_quarantined_total',
    help: 'Payloads kept in quarantine because mapping or validation failed',
    labelNames: ['channel', 'code'] as const,
    registers: [registry],
  });
  const addressChanges = new Counter({
    name: 'zhongshu_address_changes_total',
    help: 'Address changes by outcome: updated, overwritten, reissued, needs_review',
    labelNames: ['outcome', 'source'] as const,
    registers: [registry],
  });
  const polledOrders = new Counter({
    name: 'zhongshu_poll_orders_total',
    help: 'Orders read by incremental polls, by outcome: started, duplicate, quarantined',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  });
  const pollLostRanges = new Counter({
    name: 'zhongshu_poll_lost_ranges_total',
    help: 'Modified-time ranges a poll could no longer read (older than the platform serves): orders there must be checked by hand',
    labelNames: ['channel'] as const,
    registers: [registry],
  });
  const webhookUnhandled = new Counter({
    name: 'zhongshu_webhook_unhandled_messages_total',
    help: 'Pushed messages acknowledged but not acted on (unknown or non-order tags), by topic',
    labelNames: ['adapter', 'topic'] as const,
    registers: [registry],
  });
  return { registry, polledOrders, pollLostRanges, webhookUnhandled, addressChanges, httpRequests, httpDuration, workflowsStarted, workflowsStartedEager, webhookDuplicates, webhookRejections, quarantined };
}

export type Metrics = ReturnType<typeof createMetrics>;
