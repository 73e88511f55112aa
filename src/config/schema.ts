import { z } from 'zod';
import { envBool, envInt, envString, secretRef, type Env } from './env-ref.js';
import { rulesConfigSchema } from '../rules/config.js';
import { ResilienceConfig } from '../resilience/config.js';
import { channelPollSchema } from '../polling/config.js';
import { FinanceConfig } from '../finance/config.js';
import { ImportConfig } from '../import/config.js';
import { DEFAULT_PII_VIEWS, PII_VIEWS } from '../http/pii-view.js';
import { notificationsSchema } from '../notify/config.js';
import { trackingSchema } from '../tracking/config.js';
import { afterSalesConfigSchema } from '../after-sales/config.js';
import { CHANNEL_MODE } from '../shadow/mode.js';
import { shadowConfigSchema } from '../shadow/config.js';

export const ROLES = ['operations_lead', 'customer_service', 'warehouse', 'finance', 'platform_engineer', 'sre'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** SF route pushes are authenticated by the URL token alone: long enough that guessing it is hopeless. */
export const SF_ROUTE_TOKEN_MIN = 32;

const MAPPING_REF = /^[a-z0-9-]+\/[a-z0-9-]+\.v\d+$/;

/** The whole config schema, built against an environment so `${VAR}` references resolve during parsing. */
export function configSchema(env: Env) {
  const str = envString(env);
  const channel = z
    .object({
      id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'kebab-case id expected'),
      adapter: z.string().min(1),
      shop: str.pipe(z.string().min(1, 'shop is required')),
      /** Webhook secret for adapters the hub verifies itself (Shopify). */
      secret: secretRef(env).optional(),
      /** Connector whose verifyWebhook/parseWebhook serve this channel (Youzan, Douyin...). */
      connector: z.string().optional(),
      mapping: z.string().regex(MAPPING_REF, 'expected <adapter>/<name>.v<N>, e.g. shopify/order.v1'),
      currency: z.string().regex(/^[A-Z]{3}$/).default('CNY'),
      enabled: envBool(env).default(true),
      mode: z
        .enum([CHANNEL_MODE.LIVE, CHANNEL_MODE.SHADOW])
        .default(CHANNEL_MODE.LIVE)
        .describe('shadow: orders run the whole lifecycle beside the old system, but every downstream write (waybill, WMS, ship-confirm, ERP write-back, stock push) is recorded in the order store instead of sent; an order keeps the mode it had at its first write'),
      /** Incremental pull on a Temporal Schedule (see src/polling/); on by default when the connector offers order.pull. */
      poll: channelPollSchema(env),
      /**
       * 发货回传: telling the platform the carrier and tracking number. On by default when the
       * channel's connector (or `connector` here) is a platform offering shipment.confirm.
       */
      shipmentConfirm: z
        .object({
          enabled: envBool(env).default(true).describe('false: the platform is never told by the hub (another system confirms shipments)'),
          at: z.enum(['waybill', 'pickup']).default('waybill').describe('waybill: as soon as the waybill exists (print time, as Chinese ERPs do); pickup: once the courier has the parcel'),
          connector: z.string().optional().describe("platform connector that is told; default: the channel's connector"),
        })
        .strict()
        .prefault({}),
      /**
       * The courier this channel's orders ship with, instead of lifecycle.courier: e.g. a Douyin
       * shop on the platform's own e-waybill (a douyin connector with `ewaybill` set), whose orders
       * carry only ciphertext receivers. Pinned into each order at intake like the rest of the settings.
       */
      courier: z
        .object({
          connector: z.string().min(1).describe('courier connector issuing this channel\'s waybills'),
          remoteConnector: z.string().min(1).optional().describe('for remote-area districts (EMS routing); default: connector'),
          /** Outbound mappings for this courier; lifecycle.mappings are written for lifecycle.courier, so waybill ones are not inherited. */
          mappings: z
            .object({ waybill: z.string().regex(MAPPING_REF).optional(), waybillUpdate: z.string().regex(MAPPING_REF).optional(), wms: z.string().regex(MAPPING_REF).optional().describe('default: lifecycle.mappings.wms') })
            .strict()
            .prefault({}),
        })
        .strict()
        .optional(),
    })
    .strict();

  const apiKey = z
    .object({
      name: z.string().min(1),
      roles: z.array(RoleSchema).min(1),
      key: secretRef(env).optional(),
      keySha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/, 'expected the lowercase hex SHA-256 of the key')
        .optional(),
    })
    .strict()
    .refine((k) => (k.key === undefined) !== (k.keySha256 === undefined), {
      message: 'give exactly one of key (an ${ENV_VAR} reference) or keySha256',
    });

  return z
    .object({
      server: z
        .object({
          host: str.default('127.0.0.1'),
          port: envInt(env, { min: 0, max: 65535 }).default(8080),
          /** Largest webhook body (/webhooks/*); a platform's biggest order is far below it. */
          bodyLimitBytes: envInt(env, { min: 1024 }).default(1024 * 1024),
          /** Largest body on /api/* and every other route: operator requests are small. */
          apiBodyLimitBytes: envInt(env, { min: 1024 }).default(256 * 1024),
          /** The web console under /console (static assets built by `npm run build`); false serves none. */
          console: envBool(env).default(true),
        })
        .strict()
        .prefault({}),
      temporal: z
        .object({
          address: str.optional().transform((v) => v || undefined),
          namespace: str.default('default'),
          taskQueue: str.default('zhongshu-orders'),
          /** Temporal web UI, for links from an order to its history. */
          uiUrl: str.optional().transform((v) => v || undefined),
          eagerStart: envBool(env)
            .default(true)
            .describe(
              "intake asks Temporal to hand each new order's first workflow task straight to this process's worker in the start's answer (eager start), saving a trip through matching; applies only when the worker runs in the same process and the server allows it (dynamic config system.enableEagerWorkflowStart, on by default in server 1.29, which the embedded dev server runs); false: plain starts",
            ),
          worker: z
            .object({
              maxCachedWorkflows: envInt(env, { min: 0 }).optional().describe("workflows kept in the worker's sticky cache; unset: the SDK's default (from the heap size)"),
              // The SDK (1.24) ignores its maxConcurrent*TaskPolls options: the pollers are its *TaskPollerBehavior.
              workflowTaskPollers: envInt(env, { min: 1 }).optional().describe("workflow-task long polls at once (the SDK's workflowTaskPollerBehavior, simple maximum); unset: the SDK's default (10)"),
              activityTaskPollers: envInt(env, { min: 1 }).optional().describe("activity-task long polls at once (activityTaskPollerBehavior, simple maximum); unset: the SDK's default (10)"),
              maxConcurrentWorkflowTaskExecutions: envInt(env, { min: 2 }).optional().describe("workflow tasks run at once; each waiting workflow-task poll holds one of these slots, and an eager start needs one free, so keep it well above workflowTaskPollers (10 and 10: no start was eager in the bench); unset: the SDK's default (40)"),
              maxConcurrentActivityTaskExecutions: envInt(env, { min: 1 }).optional().describe("activities run at once; unset: the SDK's default (100)"),
              workflowThreadPoolSize: envInt(env, { min: 1, max: 16 }).optional().describe("threads that run workflow code (each with its own reused V8 context); unset: the SDK's default (1)"),
            })
            .strict()
            .prefault({})
            .describe('worker tuning of the in-process worker; each key unset keeps the SDK default (see the bench, section C)'),
        })
        .strict()
        .prefault({}),
      redis: z.object({ url: str.optional().transform((v) => v || undefined), keyPrefix: str.default('zs:') }).strict().prefault({}),
      /**
       * The order store (PostgreSQL). No url: `zhongshu start` runs an embedded server under
       * embedded.dataDir; an embedding service passes `databaseUrl` or goes without a store.
       */
      database: z
        .object({
          url: str.optional().transform((v) => v || undefined),
          /** Schema the store's tables live in (tests give each hub its own). */
          schema: str.pipe(z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier')).default('public'),
          poolSize: envInt(env, { min: 1, max: 100 }).default(5),
          /** HMAC key for the buyer-phone lookup hash: without it, phone search is off and no hash is stored. */
          phoneHashKey: secretRef(env).optional(),
          /**
           * Inbound payloads as received, for `zhongshu mappings diff`: kept this many days, then
           * purged (hourly). Readable only through the diff (platform_engineer).
           */
          rawPayloads: z
            .object({ enabled: envBool(env).default(true), retentionDays: envInt(env, { min: 1, max: 365 }).default(7) })
            .strict()
            .prefault({}),
        })
        .strict()
        .prefault({}),
      embedded: z
        .object({
          dataDir: str.default('.data'),
          temporalPort: envInt(env, { min: 1, max: 65535 }).default(7233),
          temporalUiPort: envInt(env, { min: 1, max: 65535 }).default(8233),
          redisPort: envInt(env, { min: 1, max: 65535 }).default(6390),
          postgresPort: envInt(env, { min: 1, max: 65535 }).default(6391),
        })
        .strict()
        .prefault({}),
      mappings: z
        .object({
          dir: str.default('mappings'),
          hotReload: envBool(env).default(false),
          timeoutMs: envInt(env, { min: 1 }).default(500),
          maxDepth: envInt(env, { min: 10 }).default(500),
          maxSequence: envInt(env, { min: 100 }).default(100_000),
          /**
           * Mappings run in worker threads, so no payload can block the event loop; a runaway one
           * is stopped at the hard deadline by terminating its thread.
           */
          workers: z
            .object({
              /** Off: evaluate inline on the event loop (only for tools and tests). */
              enabled: envBool(env).default(true),
              /** Threads for webhooks, pulls and activities (evaluations at once). */
              threads: envInt(env, { min: 1, max: 64 }).default(2),
              /** Evaluations waiting for a thread; past it a webhook answers 503 with Retry-After. */
              queue: envInt(env, { min: 0 }).default(64),
              /** Dry runs (/api/mappings/.../dry-run) get their own lane, so they never starve intake. */
              dryRunThreads: envInt(env, { min: 1, max: 16 }).default(1),
              dryRunQueue: envInt(env, { min: 0 }).default(4),
              /** Hard wall-clock deadline per evaluation; keep it above twice timeoutMs (one retry). */
              deadlineMs: envInt(env, { min: 100 }).default(3000),
              /** Heap cap of each worker thread, in MiB. */
              memoryMb: envInt(env, { min: 16 }).default(256),
              /** Retry-After (seconds) on a 503 because the pool is full. */
              overloadRetryAfterSeconds: envInt(env, { min: 1 }).default(5),
            })
            .strict()
            .prefault({}),
        })
        .strict()
        .prefault({}),
      webhooks: z
        .object({
          dedupeTtlSeconds: envInt(env, { min: 60 }).default(7 * 24 * 3600),
          /**
           * SF route pushes carry no signature: the receiver URL holds this token
           * (POST /webhooks/sf-express/routes/<token>). Unset = receiver off.
           */
          sfRoutePushToken: secretRef(env)
            .pipe(z.string().min(SF_ROUTE_TOKEN_MIN, `at least ${SF_ROUTE_TOKEN_MIN} characters: the token is the receiver's only secret (e.g. openssl rand -hex 24)`))
            .optional(),
          /**
           * Failed signatures (or SF route tokens) from one source address: past `limit` in a
           * window they are answered 429 with Retry-After, and the log gets one summary line per
           * window with counts, not a line per failure. A valid signature is never refused.
           */
          signatureFailures: z
            .object({
              limit: envInt(env, { min: 1 }).default(20),
              windowSeconds: envInt(env, { min: 1 }).default(60),
              /** Sources tracked at once; past it the oldest are forgotten (bounded memory under a spray). */
              maxSources: envInt(env, { min: 100 }).default(10_000),
            })
            .strict()
            .prefault({}),
        })
        .strict()
        .prefault({}),
      auth: z
        .object({
          apiKeys: z.array(apiKey).default([]),
          /**
           * Recipient and buyer data each role sees in GET /api/orders/:id: full, shipping (address,
           * recipient name, masked phone) or none. A role not listed sees none.
           */
          piiViews: z
            .partialRecord(RoleSchema, z.enum(PII_VIEWS))
            .default({ ...DEFAULT_PII_VIEWS })
            .describe('role -> full | shipping | none'),
          /** Off by default (a scraper on the same host); on: GET /metrics needs a key with one of these roles. */
          metrics: z
            .object({ requireKey: envBool(env).default(false), roles: z.array(RoleSchema).min(1).default(['sre', 'platform_engineer']) })
            .strict()
            .prefault({}),
          /** Off by default (the API description is public in the repository); on: GET /openapi.json needs any valid key. */
          openapi: z.object({ requireKey: envBool(env).default(false) }).strict().prefault({}),
        })
        .strict()
        .prefault({}),
      /** Payloads that failed mapping, kept for replay (GET /api/quarantine). */
      quarantine: z
        .object({
          /** Days an entry is kept before it expires unreplayed. */
          retentionDays: envInt(env, { min: 1 }).default(30),
          /** Roles that may read a kept raw body (it holds buyer PII); no role is implied, not even operations_lead. */
          rawBodyRoles: z.array(RoleSchema).min(1).default(['platform_engineer']),
        })
        .strict()
        .prefault({}),
      /** Partner adapters by npm package name or path (relative to the config file's directory). */
      adapters: z.object({ modules: z.array(z.string().min(1)).default([]) }).strict().prefault({}),
      /**
       * Connector instances: one adapter may back several (two SF accounts). `config` is checked
       * against the adapter's own zod schema at start, where secrets must be ${ENV} references.
       */
      connectors: z
        .array(z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'kebab-case id expected'), adapter: z.string().min(1), config: z.record(z.string(), z.unknown()).default({}) }).strict())
        .default([]),
      rules: rulesConfigSchema(env).prefault({}),
      lifecycle: z
        .object({
          /**
           * Off: intake only (record the order, no stock, rules or downstream), for a hub that only
           * translates. On: the full lifecycle with the connectors below.
           */
          enabled: envBool(env).default(false),
          /** Stock pool warehouse orders lock against. */
          warehouse: str.default('WH1'),
          /** Courier connectors: default, and the one for remote-area districts. */
          courier: str.optional(),
          remoteCourier: str.optional(),
          /** WMS connector receiving outbound instructions. */
          wms: str.optional(),
          /** Outbound mapping ids per step; pinned into each workflow at start. */
          mappings: z
            .object({ waybill: z.string().regex(MAPPING_REF).optional(), waybillUpdate: z.string().regex(MAPPING_REF).optional(), wms: z.string().regex(MAPPING_REF).optional() })
            .strict()
            .prefault({}),
          /** Dual-track waybill: minutes after payment in which an address change overwrites or re-issues. */
          addressWindowMinutes: envInt(env, { min: 1 }).default(120),
          /** Inside the window, a change of any of these re-issues the waybill; anything else (a floor or door number) overwrites it. */
          addressReissueFields: z
            .array(z.enum(['country', 'province', 'city', 'district', 'street']))
            .min(1)
            .default(['country', 'province', 'city', 'district', 'street'])
            .describe('street is the township (镇/街道): a new town is a new delivery route, so it re-issues'),
          /**
           * Who is told of each kind of hold, review or failed compensation: hold reason (e.g.
           * insufficient_stock, sku_unknown, address_change_review, compensation_failed) or `*` for
           * any, -> a notifier connector (WeCom, DingTalk robot). Level-3 holds go out as the
           * purchasing alert. Sent once per event.
           */
          notify: z.record(z.string(), z.string().min(1)).default({}).describe('hold reason or * -> notifier connector id'),
          /** Who may take each kind of decision besides operations_lead (who may take all). Kinds not listed: operations_lead only. */
          decisionRoles: z
            .record(z.string(), z.array(RoleSchema))
            .default({ address_change_review: ['customer_service'], address_unmatched: ['customer_service'], ship_confirm_refused: ['customer_service'], ship_confirm_outdated: ['warehouse'], pickup_overdue: ['warehouse'], insufficient_stock: ['warehouse'] })
            .describe('hold reason -> roles that may approve, reject or edit it'),
          /** Sender printed on waybills. */
          sender: z
            .object({ name: str.default('Zhongshu Warehouse'), phone: str.default('4000000000'), province: str.default('广东省'), city: str.default('深圳市'), district: str.default('南山区'), address: str.default('科技园 1 号仓') })
            .strict()
            .prefault({}),
          /** An unpaid order's lock is released after this countdown. */
          unpaidLockMinutes: envInt(env, { min: 1 }).default(30),
          /** After its stock is released an unpaid order still waits for payment; this long after it was placed it closes as unpaid_expired (the platform closes its own; nobody is called). */
          unpaidCloseHours: envInt(env, { min: 1 }).default(72),
          /** Hours after payment by which the platform expects the shipment confirmation (platforms penalise late shipment). */
          shipByHours: envInt(env, { min: 1 }).default(48),
          /** No stock: `wait` retries every lockRetrySeconds; `hold` goes to the decision queue. */
          onLockFailure: z.enum(['wait', 'hold']).default('hold'),
          lockRetrySeconds: envInt(env, { min: 1 }).default(60),
          /** How long an order waits for courier pickup before it is flagged for review. */
          pickupTimeoutHours: envInt(env, { min: 1 }).default(72),
          retry: z
            .object({ maximumAttempts: envInt(env, { min: 1 }).default(3), initialIntervalMs: envInt(env, { min: 10 }).default(1000), backoffCoefficient: z.number().min(1).default(2) })
            .strict()
            .prefault({}),
          /** Per-connector overrides of the retry policy. */
          adapterRetry: z.record(z.string(), z.object({ maximumAttempts: envInt(env, { min: 1 }) }).strict()).default({}),
          /** Available stock pushed to platforms on a Temporal Schedule, and at once when a SKU hits zero. */
          stockSync: z
            .object({ everyMinutes: envInt(env, { min: 1 }).default(5), platforms: z.array(z.string()).default([]) })
            .strict()
            .prefault({}),
          /** Safety-net sweep releasing unpaid locks whose countdown ended. */
          expirySweepSeconds: envInt(env, { min: 5 }).default(30),
          /** URL notified (POST JSON) when a parcel is picked up: the customer-notice hook. */
          pickupHookUrl: str.optional(),
        })
        .strict()
        .prefault({}),
      channels: z.array(channel).default([]),
      /** Event kind -> robot or webhook, mentions and template (src/notify/config.ts). */
      notifications: notificationsSchema(env),
      /** The tracking back-fill robot (src/tracking/config.ts). */
      tracking: trackingSchema(env),
      /** After-sales cases (售后工单): assignment, SLA, returns, API roles: src/after-sales/config.ts. */
      afterSales: afterSalesConfigSchema(env).prefault({}),
      /** Breakers, last-known-good reads, shared rate limits: src/resilience/config.ts. */
      resilience: ResilienceConfig.prefault({}),
      shutdown: z
        .object({
          /**
           * How long `hub.stop()` and SIGTERM wait for in-flight work (HTTP requests, activities)
           * to finish. Past it, running activities are cancelled and left to Temporal, which
           * retries them on a worker that is up; the log says so.
           */
          drainMs: envInt(env, { min: 0, max: 3_600_000 }).default(30_000),
        })
        .strict()
        .prefault({}),
      /** The monthly reconciliation: accounting offset and commission rates (src/finance/config.ts). */
      finance: FinanceConfig.prefault({}),
      /** Historical orders from an old system (`zhongshu import orders`, src/import/config.ts). */
      import: ImportConfig.prefault({}),
      shadow: shadowConfigSchema(env).prefault({}).describe('the shadow run beside an old system: the daily comparison of outcomes'),
      log: z.object({ level: str.pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])).default('info') }).strict().prefault({}),
    })
    .strict()
    .superRefine((cfg, ctx) => {
      const connectorIds = new Set(cfg.connectors.map((c) => c.id));
      for (const k of ['courier', 'remoteCourier', 'wms'] as const) {
        const v = cfg.lifecycle[k];
        if (v && !connectorIds.has(v)) ctx.addIssue({ code: 'custom', path: ['lifecycle', k], message: `no connector "${v}" in connectors` });
      }
      cfg.channels.forEach((ch, i) => {
        for (const k of ['connector', 'remoteConnector'] as const) {
          const v = ch.courier?.[k];
          if (v && !connectorIds.has(v)) ctx.addIssue({ code: 'custom', path: ['channels', i, 'courier', k], message: `no connector "${v}" in connectors` });
        }
      });
      for (const [reason, id] of Object.entries(cfg.lifecycle.notify)) {
        if (!connectorIds.has(id)) ctx.addIssue({ code: 'custom', path: ['lifecycle', 'notify', reason], message: `no connector "${id}" in connectors` });
      }
      cfg.notifications.routes.forEach((r, i) => {
        if (r.connector && !connectorIds.has(r.connector)) ctx.addIssue({ code: 'custom', path: ['notifications', 'routes', i, 'connector'], message: `no connector "${r.connector}" in connectors` });
      });
      const t = cfg.tracking;
      if (t.enabled && !t.kdniao) ctx.addIssue({ code: 'custom', path: ['tracking', 'kdniao'], message: 'the tracking robot needs the KDNiao connector it queries' });
      for (const k of ['kdniao'] as const) {
        const v = t[k];
        if (v && !connectorIds.has(v)) ctx.addIssue({ code: 'custom', path: ['tracking', k], message: `no connector "${v}" in connectors` });
      }
      if (t.backfill.wms && !connectorIds.has(t.backfill.wms)) ctx.addIssue({ code: 'custom', path: ['tracking', 'backfill', 'wms'], message: `no connector "${t.backfill.wms}" in connectors` });
      const returnsWms = cfg.afterSales.returns.wms;
      if (returnsWms && !connectorIds.has(returnsWms)) ctx.addIssue({ code: 'custom', path: ['afterSales', 'returns', 'wms'], message: `no connector "${returnsWms}" in connectors` });
      cfg.lifecycle.stockSync.platforms.forEach((p, i) => {
        if (!connectorIds.has(p)) ctx.addIssue({ code: 'custom', path: ['lifecycle', 'stockSync', 'platforms', i], message: `no connector "${p}" in connectors` });
      });
      cfg.channels.forEach((c, i) => {
        if (c.adapter === 'shopify' && !c.secret) ctx.addIssue({ code: 'custom', path: ['channels', i, 'secret'], message: 'a Shopify channel needs its webhook secret' });
        if (c.adapter !== 'shopify' && !c.connector) ctx.addIssue({ code: 'custom', path: ['channels', i, 'connector'], message: `a ${c.adapter} channel needs a connector (its webhook verification and pulls)` });
        if (c.connector && !connectorIds.has(c.connector)) ctx.addIssue({ code: 'custom', path: ['channels', i, 'connector'], message: `no connector "${c.connector}" in connectors` });
        if (c.poll.alertConnector && !connectorIds.has(c.poll.alertConnector)) ctx.addIssue({ code: 'custom', path: ['channels', i, 'poll', 'alertConnector'], message: `no connector "${c.poll.alertConnector}" in connectors` });
      });
      for (const section of ['breakers', 'rateLimits'] as const) {
        for (const id of Object.keys(cfg.resilience[section].connectors)) {
          if (!connectorIds.has(id)) ctx.addIssue({ code: 'custom', path: ['resilience', section, 'connectors', id], message: `no connector "${id}" in connectors` });
        }
      }
      const seen = new Map<string, number>();
      cfg.channels.forEach((c, i) => {
        const prev = seen.get(c.id);
        if (prev !== undefined) ctx.addIssue({ code: 'custom', path: ['channels', i, 'id'], message: `duplicate channel id (also channels[${prev}])` });
        seen.set(c.id, i);
      });
    });
}

export type HubConfig = z.output<ReturnType<typeof configSchema>>;
export type ChannelConfig = HubConfig['channels'][number];
