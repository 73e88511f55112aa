// zhongshu/testing: the contract test kit partners run against their adapter.
import { readFile } from 'node:fs/promises';
import type { Env } from '../config/env-ref.js';
import { createLogger } from '../logger.js';
import { MappingEngine } from '../mapping/engine.js';
import { discoverFixtures, runFixture } from '../mapping/fixtures.js';
import { ADAPTER_CONTRACT_VERSION, CAPABILITY, type Capability } from '../sdk/capabilities.js';
import { resolveConnectorConfig, secretPaths } from '../sdk/connector-config.js';
import type { AdapterDefinition, AdapterInstance, WebhookRequest } from '../sdk/define.js';
import { AdapterManifest } from '../sdk/manifest.js';
import { errorMessage } from '../util/errors.js';
import { runSandboxContract, type SandboxContractOptions } from './sandbox-contract.js';

export interface ContractOptions {
  /** A config that should be accepted (secrets as ${ENV} references resolved from `env`). */
  validConfig: unknown;
  env?: Env;
  /** Known-answer vectors for signature functions: computed value must equal expected. */
  signatureVectors?: { name: string; compute: () => string; expected: string }[];
  /** Webhook deliveries and whether verifyWebhook must accept them. */
  webhookVectors?: { name: string; request: WebhookRequest; valid: boolean }[];
  /** Mappings directory whose fixtures for the manifest's inbound/outbound mappings must pass. */
  mappingsDir?: string;
  /**
   * Fields whose name looks like a secret but that are public identifiers (a platform's
   * `app_key`, sent in clear text with every request), each with the reason. Only these escape
   * the "looks like a secret but is not marked" check.
   */
  publicFields?: { path: string; reason: string }[];
  /** Skip creating an instance (adapters whose create() needs the network). */
  skipCreate?: boolean;
  /**
   * An adapter that ships a sandbox (`defineAdapter({ sandbox })`) is run against it: started,
   * the capability contract made over real HTTP, stopped. Options for its start, or false to skip.
   */
  sandbox?: SandboxContractOptions | false;
}

const SECRET_LOOKING = /(secret|password|passwd|token|apikey|api_key|appkey|checkword|privatekey|private_key)$/i;
const ALL_CAPABILITIES: readonly Capability[] = Object.values(CAPABILITY);
const CAPABILITIES: ReadonlySet<string> = new Set(ALL_CAPABILITIES);

/**
 * Runs an adapter against its own manifest and returns every problem found (empty = passes).
 * Independent of the test runner: `expect(await checkAdapterContract(def, opts)).toEqual([])`.
 */
export async function checkAdapterContract(def: AdapterDefinition, opts: ContractOptions): Promise<string[]> {
  const problems: string[] = [];
  const m = AdapterManifest.safeParse(def.manifest);
  if (!m.success) return m.error.issues.map((i) => `manifest.${i.path.join('.')}: ${i.message}`);
  const manifest = m.data;
  if (manifest.contractVersion !== ADAPTER_CONTRACT_VERSION) problems.push(`manifest.contractVersion: ${manifest.contractVersion}, this hub implements ${ADAPTER_CONTRACT_VERSION}`);
  for (const c of manifest.capabilities) if (!CAPABILITIES.has(c)) problems.push(`manifest.capabilities: unknown capability ${c}`);

  // Secrets: every secret-looking field must be marked, so config refuses literals for it.
  const secrets = secretPaths(def.configSchema);
  const publicFields = new Set<string>();
  for (const f of opts.publicFields ?? []) {
    if (!f.reason.trim()) problems.push(`publicFields.${f.path}: give the reason it is not a secret`);
    else if (secrets.has(f.path)) problems.push(`publicFields.${f.path}: the schema marks it secret()`);
    else publicFields.add(f.path);
  }
  const walkKeys = (v: unknown, at: string[]): string[] =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.entries(v).flatMap(([k, x]) => [[...at, k].join('.'), ...walkKeys(x, [...at, k])]) : [];
  for (const key of walkKeys(opts.validConfig, [])) {
    const last = key.split('.').pop() ?? '';
    if (SECRET_LOOKING.test(last) && !secrets.has(key) && !publicFields.has(key)) problems.push(`config.${key}: looks like a secret but the schema does not mark it secret()`);
  }
  const cfg = resolveConnectorConfig(def.configSchema, opts.validConfig, opts.env ?? {});
  if (!cfg.ok) {
    problems.push(...cfg.problems.map((p) => `validConfig ${p.path}: ${p.message}`));
    return problems;
  }
  for (const s of secrets) {
    const r = resolveConnectorConfig(def.configSchema, setPath(opts.validConfig, s.split('.'), 'literal-secret-value'), opts.env ?? {});
    if (r.ok) problems.push(`config.${s}: a literal secret was accepted`);
  }

  for (const v of opts.signatureVectors ?? []) {
    try {
      const got = v.compute();
      if (got !== v.expected) problems.push(`signature ${v.name}: expected ${v.expected}, got ${got}`);
    } catch (err) {
      problems.push(`signature ${v.name}: threw ${errorMessage(err)}`);
    }
  }

  if (!opts.skipCreate) {
    let inst: AdapterInstance | null = null;
    try {
      inst = await def.create(cfg.config, { logger: createLogger({ level: 'silent' }), fetch, mappings: null, now: () => new Date() });
    } catch (err) {
      problems.push(`create(): threw ${errorMessage(err)}`);
    }
    if (inst) {
      for (const fn of ['testConnection', 'invoke', 'close'] as const) if (typeof inst[fn] !== 'function') problems.push(`instance.${fn} is missing`);
      if (manifest.capabilities.includes(CAPABILITY.ORDER_WEBHOOK) && (!inst.verifyWebhook || !inst.parseWebhook)) problems.push('order.webhook needs verifyWebhook and parseWebhook');
      const undeclared = ALL_CAPABILITIES.find((c) => !manifest.capabilities.includes(c));
      if (undeclared) {
        const ctrl = new AbortController();
        const rejected = await inst
          .invoke(undeclared, {}, { signal: ctrl.signal, idempotencyKey: 'contract-check', logger: createLogger({ level: 'silent' }), heartbeat() {} })
          .then(
            () => false,
            () => true,
          );
        if (!rejected) problems.push(`invoke(${undeclared}) succeeded although the manifest does not declare it`);
      }
      for (const w of opts.webhookVectors ?? []) {
        const verdict = inst.verifyWebhook?.(w.request);
        if (!verdict) problems.push(`webhook ${w.name}: verifyWebhook is missing`);
        else if (verdict.ok !== w.valid) problems.push(`webhook ${w.name}: expected ${w.valid ? 'accepted' : 'rejected'}, got ${verdict.ok ? 'accepted' : `rejected (${verdict.reason})`}`);
      }
      await inst.close();
    }
  }

  let engine: MappingEngine | null = null;
  if (opts.mappingsDir) {
    engine = new MappingEngine({ dir: opts.mappingsDir, limits: { timeoutMs: 10_000 } });
    await engine.loadAll();
    for (const id of [...manifest.mappings.inbound, ...manifest.mappings.outbound]) {
      if (!engine.has(id)) {
        problems.push(`mapping ${id}: not found in ${opts.mappingsDir}${engine.errors().get(id) ? ` (${engine.errors().get(id)})` : ''}`);
        continue;
      }
      const fixtures = (await discoverFixtures(opts.mappingsDir)).filter((f) => f.mappingId === id);
      if (!fixtures.length) problems.push(`mapping ${id}: no fixtures`);
      for (const f of fixtures) {
        const r = await runFixture(engine, f);
        if (!r.ok) problems.push(`mapping ${id} fixture ${f.name}: ${r.diff.slice(0, 3).join('; ')}`);
      }
    }
  }
  if (def.sandbox && opts.sandbox !== false && !opts.skipCreate) problems.push(...(await runSandboxContract(def, manifest, opts.sandbox ?? {}, engine)));
  return problems;
}

function setPath(v: unknown, at: string[], value: string): unknown {
  if (!at.length) return value;
  const [head, ...rest] = at;
  const obj = typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...Object.fromEntries(Object.entries(v)) } : {};
  if (head !== undefined) obj[head] = setPath(obj[head], rest, value);
  return obj;
}

/** Reads a JSON vector file (e.g. signature vectors kept beside the adapter). */
export async function readVectors(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8'));
}

export { defineAdapter } from '../sdk/define.js';
export type { SandboxContractOptions } from './sandbox-contract.js';
export { watchRequestTokens, type RequestTokenWatch } from './request-tokens.js';
// The sandbox kit a partner builds its adapter's sandbox on (see docs/adapters/README.md).
export { NO_FAULTS, SANDBOX_FAULT, SandboxLog, startSandboxServer } from '../sandbox/core.js';
export type { SandboxContractCall, SandboxDefinition, SandboxEvent, SandboxFaults, SandboxRequest, SandboxResponse, SandboxServer, SandboxStartOptions, SandboxSystem } from '../sandbox/core.js';
export { ErrorScript, jsonResponse, PlatformLedger, startPlatformServer } from '../sandbox/platform-kit.js';
export { signatureFaultGate, type SignatureFaultGate } from '../sandbox/signature-fault.js';
export type { AdapterDefinition } from '../sdk/define.js';
