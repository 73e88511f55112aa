import type { z } from 'zod';
import type { Logger } from '../logger.js';
import type { MappingEngine } from '../mapping/engine.js';
import type { SandboxDefinition } from '../sandbox/core.js';
import type { Capability } from './capabilities.js';
import { AdapterManifest, type AdapterManifestInput } from './manifest.js';
import type { CapabilitySurfaces } from './surfaces.js';

/** Per call: cancellation, the idempotency key (workflow id + step), a logger and a heartbeat. */
export interface InvokeContext {
  signal: AbortSignal;
  idempotencyKey: string;
  logger: Logger;
  heartbeat(details?: unknown): void;
  /**
   * Spends one token of the hub's shared rate limits for one request to the external system;
   * call it right before each HTTP request, with the platform's own API or method name (e.g.
   * `taobao.trade.fullinfo.get`, `getOrderItems`), which is also the key of any per-API quota.
   * It waits while the buckets are empty and rejects with a retryable AdapterError
   * `rate_limited` (retryAfterMs set) when the wait would be too long.
   *
   * Optional both ways. The hub passes it only when rate limits apply; an adapter that never
   * calls it is limited per call instead (one token per invoke), as before the hook existed. An
   * adapter whose one call makes several requests (a page plus a detail request per order) must
   * call it per request, or a backlog drains at many times the platform's quota.
   */
  rateLimit?(api: string): Promise<void>;
}

/**
 * What a transport needs for one request: the call's signal and, when the hub gives one, its
 * rate-limit hook. Operations pass their whole InvokeContext.
 */
export type RequestScope = Pick<InvokeContext, 'signal' | 'rateLimit'>;

/**
 * Spends the request's token (when the call has a hook) and returns its signal. A bare signal
 * (a connection test outside any call) is never limited.
 */
export async function beforeRequest(scope: RequestScope | AbortSignal, api: string): Promise<AbortSignal> {
  if (scope instanceof AbortSignal) return scope;
  if (scope.rateLimit) await scope.rateLimit(api);
  return scope.signal;
}

/** What the hub hands an adapter when it creates an instance. */
export interface AdapterDeps {
  logger: Logger;
  fetch: typeof fetch;
  mappings: MappingEngine | null;
  now(): Date;
}

export interface WebhookRequest {
  headers: Readonly<Record<string, string | undefined>>;
  rawBody: Uint8Array;
  /** The URL query: WeChat's message push signs with `signature`/`msg_signature`, `timestamp`, `nonce` there. */
  query?: Readonly<Record<string, string | undefined>>;
}

/** What a platform expects as the answer to an accepted push (Kuaishou `{"result":1}`, WeChat `success`). */
export interface WebhookReply {
  contentType: 'application/json' | 'text/plain';
  body: string;
}

/**
 * `signed`: the bytes that identify the delivery for replay detection, when that is not the
 * whole raw body: what the signature covers (Youzan signs client_id + msg only; its msg_id is not
 * signed), plus any unsigned field that tells two genuine events apart (Youzan's push type); null
 * when nothing is signed (a key in a header). The hub deduplicates by a hash of it, so a replay
 * under a fresh unsigned id is a duplicate.
 */
export type WebhookVerdict = { ok: true; signed?: Uint8Array | null } | { ok: false; reason: string };

export interface WebhookEvent {
  /** The platform's message id, for dedupe. */
  messageId: string;
  /** The order's own text when the delivery body is the order itself (Shopify): kept byte-for-byte for replay. */
  raw?: string;
  /** The platform's topic/tag, e.g. `orders/create`, Douyin tag `101`. */
  topic: string;
  /** The order this event is about, when the envelope says. */
  orderId: string | null;
  payload: unknown;
}

/** A delivery parseWebhook cannot read: the route answers 400 with this code and message. */
export class WebhookBodyError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookBodyError';
  }
}

export interface AdapterInstance {
  testConnection(): Promise<{ ok: boolean; detail?: string }>;
  invoke(capability: Capability, input: unknown, ctx: InvokeContext): Promise<unknown>;
  verifyWebhook?(req: WebhookRequest): WebhookVerdict;
  parseWebhook?(req: WebhookRequest): WebhookEvent[];
  /** The answer to an accepted push; absent: `{"code":0,"msg":"success"}` (Youzan, Douyin). */
  webhookReply?: WebhookReply;
  /**
   * The platform wants only a 2xx for a delivery of one event (Shopify): the hub answers with what
   * it did (`{ok, orderKey, workflowId, duplicate}` or `{ok, caseKey, duplicate}`), and with a 4xx
   * naming what it could not take (mapping failure, unhandled topic), which the platform retries
   * and shows to the shop owner.
   */
  webhookAnswersWithResult?: boolean;
  /**
   * A GET on the push URL when it is saved in the platform's console (WeChat's echostr check):
   * the text to answer when the request is genuine, null otherwise (the route answers 401).
   */
  answerWebhookChallenge?(req: WebhookRequest): string | null;
  /** Surfaces the core drives itself, by the capability they serve (see CapabilitySurfaces); absent: invoke only. */
  surfaces?(): Partial<CapabilitySurfaces>;
  close(): Promise<void>;
}

export interface AdapterDefinition<S extends z.ZodType = z.ZodType> {
  manifest: AdapterManifest;
  /** zod schema of the connector config; secret fields carry `.meta({ secret: true })`. */
  configSchema: S;
  create(config: z.output<S>, deps: AdapterDeps): AdapterInstance | Promise<AdapterInstance>;
  /**
   * The manifest capabilities this connector's config enables, when some need optional settings
   * (Shopify's Admin calls need a token a webhook-only shop does not have). Absent: all of them.
   * The lifecycle asks this before planning a step, so an unconfigured one is never attempted.
   */
  offers?(config: z.output<S>): readonly Capability[];
  /**
   * The adapter's own stand-in of its external system (src/sandbox/core.ts), loaded on demand
   * like `create`'s implementation. The contract kit starts it, runs the capability contract
   * against it over real HTTP and stops it; the demo and tests may start it too.
   */
  sandbox?(): Promise<SandboxDefinition>;
  /**
   * A platform that posts every shop's deliveries to one URL (`/webhooks/<id>`, Shopify): which
   * shop a delivery is for (the channel whose `shop` it is), and the connector config of a channel
   * that carries only its webhook secret (no `connector`), so the adapter's own verifyWebhook and
   * parseWebhook serve it.
   */
  webhookChannel?: WebhookChannel;
}

export interface WebhookChannel {
  shop(req: WebhookRequest): string | undefined;
  config(channel: { shop: string | undefined; secret: string }): unknown;
}

/**
 * Declares an adapter. The manifest is validated here, so a partner's typo fails when their
 * module loads, with the field named, not when the first order needs it.
 */
export function defineAdapter<S extends z.ZodType>(def: {
  manifest: AdapterManifestInput;
  configSchema: S;
  create: AdapterDefinition<S>['create'];
  offers?: AdapterDefinition<S>['offers'];
  sandbox?: AdapterDefinition<S>['sandbox'];
  webhookChannel?: WebhookChannel;
}): AdapterDefinition<S> {
  const r = AdapterManifest.safeParse(def.manifest);
  if (!r.success) {
    const id = typeof def.manifest.id === 'string' ? def.manifest.id : '(no id)';
    throw new Error(`adapter ${id}: invalid manifest: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return { manifest: r.data, configSchema: def.configSchema, create: def.create, ...(def.offers ? { offers: def.offers } : {}), ...(def.sandbox ? { sandbox: def.sandbox } : {}), ...(def.webhookChannel ? { webhookChannel: def.webhookChannel } : {}) };
}
