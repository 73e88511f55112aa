import { readdir, readFile } from 'node:fs/promises';
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import jsonata from 'jsonata';
import type { Logger } from '../logger.js';
import { errorMessage } from '../util/errors.js';
import * as fn from './functions.js';
import { policyViolations } from './policy.js';

export interface MappingLimits {
  /** Wall-clock budget per evaluation, counted from when its turn in the queue starts. */
  timeoutMs: number;
  /** Maximum evaluation stack depth (stops infinite recursion). */
  maxDepth: number;
  /** Maximum length of any sequence built during evaluation. */
  maxSequence: number;
}

export const DEFAULT_LIMITS: MappingLimits = { timeoutMs: 500, maxDepth: 500, maxSequence: 100_000 };

const ID_RE = /^([a-z0-9-]+)\/([a-z0-9-]+)\.v(\d+)$/;
const FILE_RE = /^([a-z0-9-]+)\.v(\d+)\.jsonata$/;

export interface MappingRef {
  id: string;
  adapter: string;
  name: string;
  version: number;
}

export function parseMappingId(id: string): MappingRef | undefined {
  const m = ID_RE.exec(id);
  if (!m) return undefined;
  return { id, adapter: m[1] ?? '', name: m[2] ?? '', version: Number(m[3]) };
}

/** What went wrong in a mapping: which file, where in the expression, and why. */
export class MappingError extends Error {
  constructor(
    readonly mappingId: string,
    readonly file: string | undefined,
    readonly code: string,
    message: string,
    readonly position?: number,
    /** JSON paths of the failing output fields, for schema failures. */
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(`${mappingId}${file ? ` (${file})` : ''}: ${message}`);
    this.name = 'MappingError';
  }
  toJSON() {
    return { mappingId: this.mappingId, file: this.file, code: this.code, message: this.message, position: this.position, issues: this.issues };
  }
}

interface Compiled {
  ref: MappingRef;
  file: string;
  source: string;
  expr: jsonata.Expression;
  loadedAt: string;
}

/** jsonata throws plain objects `{code, position, token, message}`; read them without casting. */
function describeJsonataError(err: unknown, limits: MappingLimits): { code: string; message: string; position?: number } {
  if (typeof err === 'object' && err !== null) {
    const code = 'code' in err && typeof err.code === 'string' ? err.code : 'E_MAPPING';
    const position = 'position' in err && typeof err.position === 'number' ? err.position : undefined;
    let message = errorMessage(err);
    if (code === 'D1012') message = `evaluation exceeded the ${limits.timeoutMs} ms time limit`;
    else if (code === 'D1011') message = `evaluation exceeded the stack depth limit of ${limits.maxDepth} (runaway recursion?)`;
    else if (code === 'D2015') message = `a sequence exceeded the limit of ${limits.maxSequence} items`;
    else if (code === 'D2014') message = 'a range (..) exceeded 10^7 items';
    return { code, message: position !== undefined ? `${message} (at position ${position})` : message, ...(position !== undefined ? { position } : {}) };
  }
  return { code: 'E_MAPPING', message: String(err) };
}

export interface MappingEngineOptions {
  dir: string;
  limits?: Partial<MappingLimits>;
  logger?: Logger;
}

/**
 * Loads every `mappings/<adapter>/<name>.v<N>.jsonata`, compiles each once, and evaluates under
 * limits. Reload is atomic per file: a file that no longer compiles keeps its previous compiled
 * version and the error is reported, so a typo in development never takes a channel down.
 */
export class MappingEngine {
  readonly dir: string;
  readonly limits: MappingLimits;
  private readonly logger: Logger | undefined;
  private compiled = new Map<string, Compiled>();
  private tables = new Map<string, Readonly<Record<string, unknown>>>();
  private loadErrors = new Map<string, string>();
  private watchers: FSWatcher[] = [];
  private bindings: Record<string, unknown>;
  /** The end of the evaluation queue (see run). */
  private queue: Promise<void> = Promise.resolve();

  constructor(opts: MappingEngineOptions) {
    this.dir = path.resolve(opts.dir);
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.logger = opts.logger;
    this.bindings = this.makeBindings();
  }

  private makeBindings(): Record<string, unknown> {
    const lookup = (table: unknown, key: unknown, fallback?: unknown): unknown => {
      if (typeof table !== 'string') throw new fn.MappingFunctionError('lookup', 'table name must be a string');
      const t = this.tables.get(table);
      if (!t) throw new fn.MappingFunctionError('lookup', `no table "${table}" in ${path.join(this.dir, '_tables')}`);
      const k = key === undefined || key === null ? '' : String(key);
      if (Object.prototype.hasOwnProperty.call(t, k)) return t[k];
      if (fallback !== undefined) return fallback;
      throw new fn.MappingFunctionError('lookup', `value "${k}" is not in table "${table}"`);
    };
    return {
      toMinor: fn.toMinor,
      money: fn.money,
      minorMoney: fn.minorMoney,
      gmt8ToIso: fn.gmt8ToIso,
      epochToIso: fn.epochToIso,
      isoTime: fn.isoTime,
      normalizeRegion: fn.normalizeRegion,
      stripRegionPrefix: fn.stripRegionPrefix,
      pii: fn.pii,
      piiOf: fn.piiOf,
      isCiphertext: fn.isCiphertext,
      allocate: fn.allocate,
      idString: fn.idString,
      get: fn.get,
      tally: fn.tally,
      parseJson: fn.parseJson,
      lookup,
      // Shadows the built-in, so even an expression the policy check missed cannot run data as code.
      eval: () => {
        throw new fn.MappingFunctionError('eval', 'is not available to mappings (it runs payload text as code); use $parseJson');
      },
    };
  }

  fileFor(ref: MappingRef): string {
    return path.join(this.dir, ref.adapter, `${ref.name}.v${ref.version}.jsonata`);
  }

  /** Loads tables and every mapping file. Returns the files that failed to compile. */
  async loadAll(): Promise<Map<string, string>> {
    await this.loadTables();
    let adapters: string[] = [];
    try {
      adapters = (await readdir(this.dir, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('_')).map((d) => d.name);
    } catch (err) {
      throw new Error(`cannot read mappings directory ${this.dir}: ${errorMessage(err)}`);
    }
    for (const adapter of adapters) {
      const files = await readdir(path.join(this.dir, adapter));
      for (const f of files) {
        const m = FILE_RE.exec(f);
        if (!m) continue;
        const ref = parseMappingId(`${adapter}/${m[1]}.v${m[2]}`);
        if (ref) await this.loadOne(ref);
      }
    }
    return new Map(this.loadErrors);
  }

  private async loadTables(): Promise<void> {
    const tdir = path.join(this.dir, '_tables');
    let files: string[] = [];
    try {
      files = await readdir(tdir);
    } catch {
      return;
    }
    const next = new Map<string, Readonly<Record<string, unknown>>>();
    for (const f of files.filter((x) => x.endsWith('.json'))) {
      const text = await readFile(path.join(tdir, f), 'utf8');
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`table ${f}: expected a JSON object`);
      next.set(f.replace(/\.json$/, ''), Object.freeze(Object.fromEntries(Object.entries(parsed).filter(([k]) => !k.startsWith('$')))));
    }
    this.tables = next;
  }

  /** Compiles one file; on failure keeps the previous version. */
  async loadOne(ref: MappingRef): Promise<boolean> {
    const file = this.fileFor(ref);
    let source: string;
    try {
      source = await readFile(file, 'utf8');
    } catch (err) {
      this.loadErrors.set(ref.id, `cannot read ${file}: ${errorMessage(err)}`);
      return false;
    }
    try {
      const expr = jsonata(source, { timeout: this.limits.timeoutMs, stack: this.limits.maxDepth, sequence: this.limits.maxSequence });
      const refused = policyViolations(expr);
      if (refused.length) {
        const msg = `${path.relative(process.cwd(), file)}: ${refused.join('; ')}`;
        this.loadErrors.set(ref.id, msg);
        this.logger?.error({ mappingId: ref.id, code: 'E_POLICY' }, `mapping refused: ${msg}`);
        return false;
      }
      this.compiled.set(ref.id, { ref, file, source, expr, loadedAt: new Date().toISOString() });
      this.loadErrors.delete(ref.id);
      return true;
    } catch (err) {
      const d = describeJsonataError(err, this.limits);
      const msg = `${path.relative(process.cwd(), file)}: ${d.message}`;
      this.loadErrors.set(ref.id, msg);
      this.logger?.error({ mappingId: ref.id, code: d.code }, `mapping failed to compile, keeping previous version: ${msg}`);
      return false;
    }
  }

  /** Compiles a mapping from text without registering it (dry runs of an unreleased draft). */
  compileDraft(id: string, source: string): Compiled {
    const ref = parseMappingId(id) ?? { id, adapter: 'draft', name: 'draft', version: 0 };
    let expr: jsonata.Expression;
    try {
      expr = jsonata(source, { timeout: this.limits.timeoutMs, stack: this.limits.maxDepth, sequence: this.limits.maxSequence });
    } catch (err) {
      const d = describeJsonataError(err, this.limits);
      throw new MappingError(id, '(draft)', d.code, d.message, d.position);
    }
    const refused = policyViolations(expr);
    if (refused.length) throw new MappingError(id, '(draft)', 'E_POLICY', refused.join('; '));
    return { ref, file: '(draft)', source, expr, loadedAt: new Date().toISOString() };
  }

  has(id: string): boolean {
    return this.compiled.has(id);
  }

  list(): { id: string; file: string; loadedAt: string; error?: string }[] {
    const ids = new Set([...this.compiled.keys(), ...this.loadErrors.keys()]);
    return [...ids].sort().map((id) => {
      const c = this.compiled.get(id);
      const error = this.loadErrors.get(id);
      return { id, file: c ? path.relative(this.dir, c.file) : '', loadedAt: c?.loadedAt ?? '', ...(error ? { error } : {}) };
    });
  }

  errors(): Map<string, string> {
    return new Map(this.loadErrors);
  }

  private get(id: string): Compiled {
    const c = this.compiled.get(id);
    if (c) return c;
    const err = this.loadErrors.get(id);
    const ref = parseMappingId(id);
    if (!ref) throw new MappingError(id, undefined, 'E_MAPPING_ID', 'mapping id must look like <adapter>/<name>.v<N>');
    throw new MappingError(id, this.fileFor(ref), 'E_MAPPING_NOT_FOUND', err ?? 'no such mapping');
  }

  /** Evaluates a registered mapping under the configured limits. */
  async evaluate(id: string, input: unknown, context: Record<string, unknown> = {}): Promise<unknown> {
    return this.run(this.get(id), input, context);
  }

  /**
   * Evaluations run one at a time, in arrival order. JSONata evaluates asynchronously and
   * interleaves concurrent evaluations at every internal await, so twenty orders mapped at once
   * each took about twenty times their own CPU time on the wall clock, and the per-evaluation
   * time limit (a wall-clock limit) failed good orders under load and sent them to quarantine.
   * There is one thread to run them on either way, so queueing costs no throughput; it makes each
   * evaluation's clock measure its own work, and lets the first order finish first.
   */
  run(c: Compiled, input: unknown, context: Record<string, unknown> = {}): Promise<unknown> {
    const turn = this.queue.then(() => this.evaluateNow(c, input, context));
    this.queue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /**
   * The time limit is a wall clock (JSONata checks Date.now() at every step), so a loaded machine
   * can stop a mapping of a few milliseconds past it: the process descheduled, a long GC pause.
   * The 100,000-row ERP bench at a load average of 15 on 2 cores quarantined 2 good rows that way.
   * A runaway expression exceeds the limit every time; a stall does not strike the same small
   * evaluation twice in a row. So a time-limit failure is retried once before it counts.
   */
  private async evaluateNow(c: Compiled, input: unknown, context: Record<string, unknown>): Promise<unknown> {
    try {
      let out: unknown;
      try {
        out = await c.expr.evaluate(input, { ...this.bindings, context });
      } catch (err) {
        if (describeJsonataError(err, this.limits).code !== 'D1012') throw err;
        this.logger?.warn({ mappingId: c.ref.id, timeoutMs: this.limits.timeoutMs }, 'mapping hit its time limit; retrying once (a loaded machine can stall one evaluation)');
        out = await c.expr.evaluate(input, { ...this.bindings, context });
      }
      return normalizeSequences(out);
    } catch (err) {
      if (err instanceof fn.MappingFunctionError) throw new MappingError(c.ref.id, c.file, 'E_FUNCTION', err.message);
      const d = describeJsonataError(err, this.limits);
      throw new MappingError(c.ref.id, c.file, d.code, d.message, d.position);
    }
  }

  /** Development hot reload: re-compiles a file when it changes. */
  watch(): void {
    if (this.watchers.length) return;
    const onChange = (adapter: string, filename: string | null) => {
      if (!filename) return;
      const m = FILE_RE.exec(filename);
      if (adapter === '_tables' && filename.endsWith('.json')) {
        this.loadTables().catch((err: unknown) => this.logger?.error({ err: errorMessage(err) }, 'table reload failed'));
        return;
      }
      const ref = m ? parseMappingId(`${adapter}/${m[1]}.v${m[2]}`) : undefined;
      if (!ref) return;
      this.loadOne(ref)
        .then((ok) => ok && this.logger?.info({ mappingId: ref.id }, 'mapping reloaded'))
        .catch((err: unknown) => this.logger?.error({ err: errorMessage(err) }, 'mapping reload failed'));
    };
    readdir(this.dir, { withFileTypes: true })
      .then((dirs) => {
        for (const d of dirs.filter((x) => x.isDirectory())) {
          this.watchers.push(watch(path.join(this.dir, d.name), (_ev, f) => onChange(d.name, f)));
        }
      })
      .catch((err: unknown) => this.logger?.error({ err: errorMessage(err) }, 'cannot watch mappings'));
  }

  close(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }
}

/**
 * JSONata marks its internal sequences with extra properties and may collapse singletons; a
 * JSON round-trip makes the output plain data (what zod and Temporal expect).
 */
function normalizeSequences(v: unknown): unknown {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}
