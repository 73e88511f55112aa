import type { z } from 'zod';
import type { Logger } from '../logger.js';
import type { MappingEngine } from '../mapping/engine.js';
import type { Capability } from './capabilities.js';
import { AdapterManifest, type AdapterManifestInput } from './manifest.js';

/** Per call: cancellation, the idempotency key (workflow id + step), a logger and a heartbeat. */
export interface InvokeContext {
  signal: AbortSignal;
  idempotencyKey: string;
  logger: Logger;
  heartbeat(details?: unknown): void;
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
}

export type WebhookVerdict = { ok: true } | { ok: false; reason: string };

export interface WebhookEvent {
  /** The platform's message id, for dedupe. */
  messageId: string;
  /** The platform's topic/tag, e.g. `orders/create`, Douyin tag `101`. */
  topic: string;
  /** The order this event is about, when the envelope says. */
  orderId: string | null;
  payload: unknown;
}

export interface AdapterInstance {
  testConnection(): Promise<{ ok: boolean; detail?: string }>;
  invoke(capability: Capability, input: unknown, ctx: InvokeContext): Promise<unknown>;
  verifyWebhook?(req: WebhookRequest): WebhookVerdict;
  parseWebhook?(req: WebhookRequest): WebhookEvent[];
  close(): Promise<void>;
}

export interface AdapterDefinition<S extends z.ZodType = z.ZodType> {
  manifest: AdapterManifest;
  /** zod schema of the connector config; secret fields carry `.meta({ secret: true })`. */
  configSchema: S;
  create(config: z.output<S>, deps: AdapterDeps): AdapterInstance | Promise<AdapterInstance>;
}

/**
 * Declares an adapter. The manifest is validated here, so a partner's typo fails when their
 * module loads, with the field named, not when the first order needs it.
 */
export function defineAdapter<S extends z.ZodType>(def: { manifest: AdapterManifestInput; configSchema: S; create: AdapterDefinition<S>['create'] }): AdapterDefinition<S> {
  const r = AdapterManifest.safeParse(def.manifest);
  if (!r.success) {
    const id = typeof def.manifest.id === 'string' ? def.manifest.id : '(no id)';
    throw new Error(`adapter ${id}: invalid manifest: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return { manifest: r.data, configSchema: def.configSchema, create: def.create };
}
