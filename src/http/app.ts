import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { routePath } from 'hono/route';
import type { Client } from '@temporalio/client';
import { ROLES, type HubConfig } from '../config/schema.js';
import type { OrderIntake } from '../intake/order-intake.js';
import type { Logger } from '../logger.js';
import { MappingOverloadError, MappingUnavailableError, type MappingEngine } from '../mapping/engine.js';
import type { OrderStore } from '../store/db/order-store.js';
import type { DecisionQueue } from '../store/decisions.js';
import type { AdapterRegistry } from '../sdk/registry.js';
import { decisionRoutes } from './routes/decisions.js';
import type { QuarantineStore } from '../store/quarantine.js';
import { errorMessage } from '../util/errors.js';
import { requireRole, type ApiKeyEntry } from './auth.js';
import { SignatureGuard } from './signature-guard.js';
import { HttpError, type ErrorBody } from './errors.js';
import type { Metrics } from './metrics.js';
import { buildOpenApi } from './openapi.js';
import { healthRoutes, type Probe } from './routes/health.js';
import { mappingRoutes } from './routes/mappings.js';
import { orderRoutes } from './routes/orders.js';
import { quarantineRoutes } from './routes/quarantine.js';
import { financeRoutes } from './routes/finance.js';
import { shadowRoutes } from './routes/shadow.js';
import type { FinanceOrderSource } from '../finance/source.js';
import { trackingRoutes } from './routes/tracking.js';
import { kdniaoPushRoutes } from './routes/webhooks-kdniao.js';
import type { TrackingResult } from '../../adapters/_shared/tracking.js';
import { ParcelStore } from '../tracking/parcels.js';
import { sfRouteRoutes } from './routes/webhooks-sf-routes.js';
import { platformWebhookRoutes } from './routes/webhooks-platform.js';
import { erpEventReplayer, erpWebhookRoutes } from './routes/webhooks-erp.js';
import type { Redis } from 'ioredis';
import type { ResilienceLayers } from '../resilience/index.js';
import type { AppEnv } from './types.js';
import type { CaseIntake } from '../after-sales/intake.js';
import type { CaseStore } from '../after-sales/store.js';
import { afterSalesRoutes } from './routes/after-sales.js';
import { sessionRoutes, type StatusDeps } from './routes/session.js';
import { mountConsole } from './console.js';

export interface AppDeps {
  config: HubConfig;
  logger: Logger;
  metrics: Metrics;
  temporal: Client;
  intake: OrderIntake;
  mappings: MappingEngine;
  quarantine: QuarantineStore;
  /** The order store (PostgreSQL); null: no database, search answers 503. */
  orders: OrderStore | null;
  /** The Temporal web UI's page of a workflow, when a UI is known. */
  historyUrl?: (workflowId: string) => string | null;
  decisions: DecisionQueue;
  redis: Redis;
  registry: AdapterRegistry;
  apiKeys: readonly ApiKeyEntry[];
  probes: readonly Probe[];
  version: string;
  /** The hub's breakers, cache and rate limits, for outbound calls made while answering a request. */
  resilience?: ResilienceLayers;
  /** Orders for the monthly reconciliation (the order store); without it /api/finance answers 503. */
  financeSource?: FinanceOrderSource;
  /** Applies KDNiao's track pushes (the tracking robot); absent: the receiver answers 503. */
  trackingPush?: (records: readonly TrackingResult[]) => Promise<{ applied: number; unknown: number }>;
  /** After-sales cases: opened from platform pushes and the API, read from their store. */
  cases?: { intake: CaseIntake; store: CaseStore };
  /** Counts failed webhook signatures; the embedder owns it so its stop() can log the last window. */
  signatureGuard?: SignatureGuard;
  /** Breakers and poll cursors for GET /api/status (the console's health page); absent: no polled channels. */
  status?: StatusDeps;
  /** Where the built console is (default: the package's dist/console). */
  consoleDir?: string;
}

/** The hub's HTTP surface, with no listen(): mount it in any server or call app.request() in tests. */
export function createApp(d: AppDeps) {
  const app = new Hono<AppEnv>();
  app.use('*', requestId());
  app.use('*', async (c, next) => {
    const end = d.metrics.httpDuration.startTimer();
    await next();
    const route = routePath(c) || 'unmatched';
    d.metrics.httpRequests.inc({ route, method: c.req.method, status: String(c.res.status) });
    end({ route, method: c.req.method });
  });
  // Bounded before anything reads a body: a declared length past the limit is refused at once,
  // an undeclared (chunked) one as soon as the count passes it.
  const limit = (group: string, maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        if (group === 'webhooks') d.metrics.webhookRejections.inc({ adapter: 'any', reason: 'body_too_large' });
        throw new HttpError(413, 'body_too_large', `body: larger than the ${maxSize}-byte limit`);
      },
    });
  app.use('/webhooks/*', limit('webhooks', d.config.server.bodyLimitBytes));
  const signatureGuard = d.signatureGuard ?? new SignatureGuard(d.config.webhooks.signatureFailures, d.logger);
  for (const p of ['/api/*', '/healthz', '/readyz', '/metrics', '/openapi.json']) app.use(p, limit('api', d.config.server.apiBodyLimitBytes));

  app.route('/', healthRoutes(d.probes));
  const open: MiddlewareHandler = async (_c, next) => next();
  const { metrics: metricsAuth, openapi: openapiAuth } = d.config.auth;
  app.get('/metrics', metricsAuth.requireKey ? requireRole(d.apiKeys, ...metricsAuth.roles) : open, async (c) => c.text(await d.metrics.registry.metrics(), 200, { 'content-type': d.metrics.registry.contentType }));
  const openapi = buildOpenApi(d.version);
  app.get('/openapi.json', openapiAuth.requireKey ? requireRole(d.apiKeys, ...ROLES) : open, (c) => c.json(openapi));
  app.route('/webhooks/sf-express/routes', sfRouteRoutes({ token: d.config.webhooks.sfRoutePushToken, temporal: d.temporal, redis: d.redis, keyPrefix: d.config.redis.keyPrefix, metrics: d.metrics, logger: d.logger, signatureGuard }));
  const erpDeps = { channels: d.config.channels, registry: d.registry, intake: d.intake, quarantine: d.quarantine, mappings: d.mappings, temporal: d.temporal, redis: d.redis, keyPrefix: d.config.redis.keyPrefix, dedupeTtlSeconds: d.config.webhooks.dedupeTtlSeconds, defaultWarehouse: d.config.lifecycle.warehouse, metrics: d.metrics, logger: d.logger, signatureGuard };
  // Before the generic /webhooks/:adapter/:channel, which would otherwise match legacy-erp too.
  app.route('/webhooks/legacy-erp', erpWebhookRoutes(erpDeps));
  app.route(
    '/webhooks/kdniao/push',
    kdniaoPushRoutes({
      token: d.config.tracking.pushToken,
      appKey: () => kdniaoAppKey(d.registry, d.config.tracking.kdniao),
      apply: async (records) => {
        if (!d.trackingPush) throw new Error('the tracking robot is not wired into this app');
        return d.trackingPush(records);
      },
      metrics: d.metrics,
      logger: d.logger,
    }),
  );
  app.route('/webhooks', platformWebhookRoutes({ channels: d.config.channels, registry: d.registry, intake: d.intake, redis: d.redis, keyPrefix: d.config.redis.keyPrefix, dedupeTtlSeconds: d.config.webhooks.dedupeTtlSeconds, metrics: d.metrics, logger: d.logger, resilience: d.resilience, signatureGuard, cases: d.cases?.intake }));
  app.route('/api/orders', orderRoutes({ temporal: d.temporal, store: d.orders, historyUrl: d.historyUrl ?? (() => null), apiKeys: d.apiKeys, metrics: d.metrics, piiViews: d.config.auth.piiViews, cases: d.cases?.store }));
  if (d.cases) app.route('/api/after-sales', afterSalesRoutes({ temporal: d.temporal, store: d.cases.store, intake: d.cases.intake, config: d.config.afterSales, apiKeys: d.apiKeys }));
  app.route('/api/decisions', decisionRoutes({ temporal: d.temporal, decisions: d.decisions, apiKeys: d.apiKeys, decisionRoles: d.config.lifecycle.decisionRoles }));
  app.route('/api/tracking', trackingRoutes({ parcels: new ParcelStore(d.redis, d.config.redis.keyPrefix), apiKeys: d.apiKeys }));
  app.route('/api/mappings', mappingRoutes({ mappings: d.mappings, channels: d.config.channels, apiKeys: d.apiKeys, store: d.orders?.db ?? null }));
  app.route('/api/shadow', shadowRoutes({ store: d.orders?.db ?? null, mappings: d.mappings, channels: d.config.channels, config: d.config.shadow, apiKeys: d.apiKeys }));
  app.route('/api/finance', financeRoutes({ source: d.financeSource, config: d.config.finance, apiKeys: d.apiKeys, logger: d.logger }));
  app.route('/api', sessionRoutes({ apiKeys: d.apiKeys, status: d.status ?? { cursors: { get: async () => null, lost: async () => [] }, polledChannels: [] } }));
  mountConsole(app, { enabled: d.config.server.console, dir: d.consoleDir });
  app.route('/api/quarantine', quarantineRoutes({ store: d.quarantine, rawBodyRoles: d.config.quarantine.rawBodyRoles, intake: d.intake, mappings: d.mappings, channels: d.config.channels, apiKeys: d.apiKeys, replayers: [erpEventReplayer(erpDeps)] }));

  app.notFound((c) => c.json<ErrorBody>({ error: { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}`, requestId: c.get('requestId') } }, 404));
  app.onError((err, c) => {
    const requestId = c.get('requestId');
    if (err instanceof HttpError) {
      const body: ErrorBody = { error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}), requestId } };
      return c.json(body, err.status, err.headers);
    }
    if (err instanceof MappingUnavailableError) {
      // The platform redelivers on a 5xx: shedding load here loses nothing.
      const body: ErrorBody = { error: { code: err instanceof MappingOverloadError ? 'mapping_overloaded' : 'mapping_unavailable', message: err.message, requestId } };
      return c.json(body, 503, { 'Retry-After': String(d.config.mappings.workers.overloadRetryAfterSeconds) });
    }
    // The route pattern, never the path: a path may hold a secret (the SF route token).
    d.logger.error({ reqId: requestId, err: errorMessage(err), route: routePath(c) || 'unmatched' }, 'unhandled error');
    return c.json<ErrorBody>({ error: { code: 'internal', message: 'internal error; see the hub log for this request id', requestId } }, 500);
  });
  return app;
}

export type HubApp = ReturnType<typeof createApp>;

/** The AppKey of the tracking robot's KDNiao connector, or null when none is configured. */
function kdniaoAppKey(registry: AdapterRegistry, connector: string | undefined): string | null {
  if (!connector) return null;
  const cfg = registry.resolvedConfig(connector);
  const key = typeof cfg === 'object' && cfg !== null && 'appKey' in cfg ? cfg.appKey : null;
  return typeof key === 'string' ? key : null;
}
