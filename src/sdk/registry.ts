import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Env } from '../config/env-ref.js';
import { errorMessage } from '../util/errors.js';
import { ADAPTER_CONTRACT_VERSION, type Capability } from './capabilities.js';
import { resolveConnectorConfig } from './connector-config.js';
import type { AdapterDefinition, AdapterDeps, AdapterInstance } from './define.js';
import { AdapterManifest } from './manifest.js';

export interface ConnectorSpec {
  /** The connector's own id (one adapter may back several connectors: two SF accounts). */
  id: string;
  adapter: string;
  config: unknown;
}

export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

function isDefinition(v: unknown): v is AdapterDefinition {
  return typeof v === 'object' && v !== null && 'manifest' in v && 'configSchema' in v && 'create' in v && typeof v.create === 'function';
}

/**
 * Adapters are registered explicitly (built-ins, then partners listed in config). Instances are
 * created on first use, so a connector nobody calls costs nothing and a broken one fails alone.
 */
export class AdapterRegistry {
  private defs = new Map<string, AdapterDefinition>();
  private specs = new Map<string, ConnectorSpec>();
  private instances = new Map<string, Promise<AdapterInstance>>();

  constructor(
    private readonly deps: AdapterDeps,
    private readonly env: Env = process.env,
  ) {}

  register(def: AdapterDefinition, source = 'built-in'): void {
    const m = AdapterManifest.safeParse(def.manifest);
    if (!m.success) throw new RegistryError(`adapter from ${source}: invalid manifest: ${m.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const { id, contractVersion } = m.data;
    if (contractVersion !== ADAPTER_CONTRACT_VERSION) {
      throw new RegistryError(`adapter ${id} (${source}) implements adapter contract v${contractVersion}; this hub implements v${ADAPTER_CONTRACT_VERSION}`);
    }
    if (this.defs.has(id)) throw new RegistryError(`adapter id "${id}" is registered twice (again from ${source})`);
    this.defs.set(id, def);
  }

  /** A partner adapter by npm package name or local path; its default export is the definition. */
  async registerModule(specifier: string, baseDir: string): Promise<string> {
    const target = specifier.startsWith('.') || path.isAbsolute(specifier) ? pathToFileURL(path.resolve(baseDir, specifier)).href : specifier;
    let mod: unknown;
    try {
      mod = await import(target);
    } catch (err) {
      throw new RegistryError(`cannot load adapter module "${specifier}": ${errorMessage(err)}`);
    }
    const def = typeof mod === 'object' && mod !== null && 'default' in mod ? mod.default : undefined;
    if (!isDefinition(def)) throw new RegistryError(`adapter module "${specifier}" must export default defineAdapter({...})`);
    this.register(def, specifier);
    return def.manifest.id;
  }

  /** Declares connectors; their configs are checked now (so start fails loudly), instances made later. */
  configure(specs: readonly ConnectorSpec[]): void {
    const problems: string[] = [];
    specs.forEach((s, i) => {
      const def = this.defs.get(s.adapter);
      if (!def) problems.push(`connectors[${i}].adapter: no adapter "${s.adapter}" is registered (have: ${[...this.defs.keys()].sort().join(', ')})`);
      else {
        const r = resolveConnectorConfig(def.configSchema, s.config, this.env, ['connectors', i, 'config']);
        if (!r.ok) problems.push(...r.problems.map((p) => `${p.path}: ${p.message}`));
      }
      if (this.specs.has(s.id)) problems.push(`connectors[${i}].id: duplicate connector id "${s.id}"`);
      this.specs.set(s.id, s);
    });
    if (problems.length) throw new RegistryError(`invalid connectors:\n  ${problems.join('\n  ')}`);
  }

  list() {
    return [...this.defs.values()].map((d) => d.manifest).sort((a, b) => a.id.localeCompare(b.id));
  }

  definition(adapterId: string): AdapterDefinition | undefined {
    return this.defs.get(adapterId);
  }

  connectors(): ConnectorSpec[] {
    return [...this.specs.values()];
  }

  /** The connector's instance, created on first use. */
  async connector(id: string): Promise<{ instance: AdapterInstance; def: AdapterDefinition }> {
    const spec = this.specs.get(id);
    if (!spec) throw new RegistryError(`no connector "${id}" is configured`);
    const def = this.defs.get(spec.adapter);
    if (!def) throw new RegistryError(`connector ${id}: adapter "${spec.adapter}" is not registered`);
    let p = this.instances.get(id);
    if (!p) {
      const r = resolveConnectorConfig(def.configSchema, spec.config, this.env);
      if (!r.ok) throw new RegistryError(`connector ${id}: ${r.problems.map((x) => `${x.path}: ${x.message}`).join('; ')}`);
      p = Promise.resolve(def.create(r.config, { ...this.deps, logger: this.deps.logger.child({ connector: id, adapter: spec.adapter }) }));
      // A failed creation is not cached: the next call tries again.
      p.catch(() => this.instances.delete(id));
      this.instances.set(id, p);
    }
    return { instance: await p, def };
  }

  /**
   * The instance serving a channel that carries only its webhook secret (a Shopify channel without
   * a connector): created once from the config its adapter's webhookChannel gives. The secret is
   * already resolved from the channel's own ${ENV} reference, so the schema parses it as it is.
   */
  async channelInstance(channelId: string, adapter: string, config: unknown): Promise<AdapterInstance> {
    const key = `channel:${channelId}`;
    let p = this.instances.get(key);
    if (!p) {
      const def = this.defs.get(adapter);
      if (!def) throw new RegistryError(`channel ${channelId}: adapter "${adapter}" is not registered`);
      const r = def.configSchema.safeParse(config);
      if (!r.success) throw new RegistryError(`channel ${channelId}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      p = Promise.resolve(def.create(r.data, { ...this.deps, logger: this.deps.logger.child({ channel: channelId, adapter }) }));
      p.catch(() => this.instances.delete(key));
      this.instances.set(key, p);
    }
    return p;
  }

  /** The connector's config as its adapter's schema resolves it (defaults applied); the polling planner reads its `polling` block. */
  resolvedConfig(id: string): unknown {
    const spec = this.specs.get(id);
    const def = spec ? this.defs.get(spec.adapter) : undefined;
    if (!spec || !def) throw new RegistryError(`no connector "${id}" is configured`);
    const r = resolveConnectorConfig(def.configSchema, spec.config, this.env);
    if (!r.ok) throw new RegistryError(`connector ${id}: ${r.problems.map((x) => `${x.path}: ${x.message}`).join('; ')}`);
    return r.config;
  }

  /** The adapter id behind a connector, or undefined. */
  adapterOf(id: string): string | undefined {
    return this.specs.get(id)?.adapter;
  }

  /** Whether the connector can do `capability`: its manifest lists it and, when the adapter says which its config enables (`offers`), that config enables it. */
  supports(id: string, capability: Capability): boolean {
    const spec = this.specs.get(id);
    const def = spec ? this.defs.get(spec.adapter) : undefined;
    if (!spec || !def || !def.manifest.capabilities.includes(capability)) return false;
    if (!def.offers) return true;
    // configure() already refused a config that does not resolve: here it does.
    const r = resolveConnectorConfig(def.configSchema, spec.config, this.env);
    return r.ok && def.offers(r.config).includes(capability);
  }

  async close(): Promise<void> {
    const all = [...this.instances.values()];
    this.instances.clear();
    await Promise.allSettled(all.map(async (p) => (await p).close()));
  }
}
