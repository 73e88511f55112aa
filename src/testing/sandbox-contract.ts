import { z } from 'zod';
import { createLogger } from '../logger.js';
import type { MappingEngine } from '../mapping/engine.js';
import { fixtureContext } from '../mapping/fixtures.js';
import { mapInboundOrder } from '../mapping/inbound.js';
import { SANDBOX_FAULT, type SandboxFaults, type SandboxStartOptions, type SandboxSystem } from '../sandbox/core.js';
import { CAPABILITY, type Capability } from '../sdk/capabilities.js';
import type { AdapterDefinition, AdapterInstance, InvokeContext } from '../sdk/define.js';
import type { AdapterManifest } from '../sdk/manifest.js';
import { AdapterError } from '../sdk/errors.js';
import { errorMessage } from '../util/errors.js';
import { watchRequestTokens, type RequestTokenWatch } from './request-tokens.js';

export interface SandboxContractOptions {
  /** Passed to the sandbox's start(): a port, a clock, the hub to push to. */
  start?: SandboxStartOptions;
  /** Also switch the sandbox's faults on and check how the adapter classifies them (default true for HTTP sandboxes). */
  faults?: boolean;
}

/** The answers the hub reads from each capability; anything else an adapter returns is its own business. */
const OUTPUTS: Partial<Record<Capability, z.ZodType>> = {
  [CAPABILITY.ORDER_PULL]: z.looseObject({ orders: z.array(z.unknown()), nextPage: z.union([z.number().int(), z.string().min(1)]).nullable() }),
  [CAPABILITY.INVENTORY_PUSH]: z.looseObject({ pushed: z.number().int().nonnegative(), unmapped: z.array(z.string()), rejected: z.array(z.looseObject({ sku: z.string() })) }),
  [CAPABILITY.SHIPMENT_CONFIRM]: z.looseObject({}),
};

/** Pushes arrive at the hub, not through invoke: their contract is the kit's webhookVectors. */
const NOT_CALLED: ReadonlySet<Capability> = new Set([CAPABILITY.ORDER_WEBHOOK]);

function ctx(key: string, tokens: RequestTokenWatch): InvokeContext {
  return { signal: new AbortController().signal, idempotencyKey: key, logger: createLogger({ level: 'silent' }), heartbeat() {}, rateLimit: (api) => tokens.rateLimit(api) };
}

async function classify(p: Promise<unknown>): Promise<'retryable' | 'rejected' | 'resolved' | 'other'> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    if (err instanceof AdapterError) return err.retryable ? 'retryable' : 'rejected';
    return 'other';
  }
}

/**
 * Starts the adapter's own sandbox, creates the adapter with the config the sandbox gives, and
 * runs the capability contract over real HTTP: the connection test passes, every declared
 * capability the hub calls is exercised and answers in the shape the hub reads (with the
 * sandbox's own check of what it now holds), pulled orders map with the manifest's inbound
 * mapping, a 5xx / 504 is retryable and a bad signature is not, and every request any call sends
 * has spent a rate-limit token first (the hook is handed to every call). Returns the problems found.
 */
export async function runSandboxContract(def: AdapterDefinition, manifest: AdapterManifest, opts: SandboxContractOptions, engine: MappingEngine | null): Promise<string[]> {
  const problems: string[] = [];
  if (!def.sandbox) return problems;
  let definition;
  try {
    definition = await def.sandbox();
  } catch (err) {
    return [`sandbox: loading it threw ${errorMessage(err)}`];
  }
  if (definition.adapter !== manifest.id) return [`sandbox: it is the sandbox of ${definition.adapter}, not of ${manifest.id}`];
  let system: SandboxSystem;
  try {
    system = await definition.start(opts.start ?? {});
  } catch (err) {
    return [`sandbox: start() threw ${errorMessage(err)}`];
  }
  let inst: AdapterInstance | null = null;
  try {
    const calls = definition.contract ? await definition.contract(system) : [];
    const cfg = def.configSchema.safeParse(system.connectorConfig());
    if (!cfg.success) return [`sandbox: connectorConfig() is refused by the config schema: ${cfg.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`];
    inst = await def.create(cfg.data, { logger: createLogger({ level: 'silent' }), fetch: (i, n) => globalThis.fetch(i, n), mappings: null, now: () => new Date() });
    const tc = await inst.testConnection().catch((err: unknown) => ({ ok: false, detail: errorMessage(err) }));
    if (!tc.ok) problems.push(`sandbox: testConnection() failed against the sandbox: ${tc.detail ?? 'no detail'}`);
    for (const c of manifest.capabilities) if (!NOT_CALLED.has(c) && !calls.some((x) => x.capability === c)) problems.push(`sandbox: capability ${c} is declared but the sandbox's contract() never calls it`);
    for (const [i, call] of calls.entries()) {
      const where = `sandbox ${call.capability} (call ${i + 1})`;
      if (!manifest.capabilities.includes(call.capability)) {
        problems.push(`${where}: the manifest does not declare it`);
        continue;
      }
      let out: unknown;
      const tokens = watchRequestTokens(system.server);
      try {
        out = await inst.invoke(call.capability, call.input, ctx(`contract-${i}`, tokens));
      } catch (err) {
        problems.push(`${where}: threw ${errorMessage(err)}`);
        continue;
      } finally {
        const unpaid = tokens.problem();
        if (unpaid) problems.push(`${where}: ${unpaid}`);
      }
      const shape = OUTPUTS[call.capability]?.safeParse(out);
      if (shape && !shape.success) problems.push(`${where}: answer not in the shape the hub reads: ${shape.error.issues.slice(0, 3).map((x) => `${x.path.join('.') || '(root)'}: ${x.message}`).join('; ')}`);
      const verdict = call.check ? await call.check(out) : null;
      if (verdict) problems.push(`${where}: ${verdict}`);
      const inbound = manifest.mappings.inbound[0];
      if (engine && inbound && call.capability === CAPABILITY.ORDER_PULL && shape?.success) {
        for (const order of (out as { orders: unknown[] }).orders) {
          await mapInboundOrder(engine, inbound, order, fixtureContext(manifest.id)).catch((err: unknown) => problems.push(`${where}: a pulled order does not map with ${inbound}: ${errorMessage(err)}`));
        }
      }
    }
    const first = calls[0];
    if (first && (opts.faults ?? system.server.url.startsWith('http'))) {
      const under = async (f: Partial<SandboxFaults>) => {
        system.server.setFaults({ ...f, remaining: 1 });
        const tokens = watchRequestTokens(system.server);
        const got = await classify((inst as AdapterInstance).invoke(first.capability, first.input, ctx('contract-fault', tokens)));
        system.server.setFaults({ mode: SANDBOX_FAULT.NONE, remaining: null });
        const unpaid = tokens.problem();
        if (unpaid) problems.push(`sandbox fault ${String(f.mode)}: ${first.capability}: ${unpaid}`);
        return got;
      };
      for (const mode of [SANDBOX_FAULT.SERVER_ERROR, SANDBOX_FAULT.GATEWAY_TIMEOUT] as const) {
        const got = await under({ mode });
        if (got !== 'retryable') problems.push(`sandbox fault ${mode}: ${first.capability} must fail with a retryable AdapterError, got ${got}`);
      }
      const sig = await under({ mode: SANDBOX_FAULT.BAD_SIGNATURE });
      if (sig !== 'rejected') problems.push(`sandbox fault ${SANDBOX_FAULT.BAD_SIGNATURE}: ${first.capability} must fail with a non-retryable AdapterError, got ${sig}`);
    }
  } catch (err) {
    problems.push(`sandbox: ${errorMessage(err)}`);
  } finally {
    await inst?.close().catch(() => undefined);
    await system.close();
  }
  return problems;
}
