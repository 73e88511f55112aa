import { readdir, readFile } from 'node:fs/promises';
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type jsonata from 'jsonata';
import type { Logger } from '../logger.js';
import { errorMessage } from '../util/errors.js';
import { valueNestingExceeds } from '../util/json.js';
import { compileMapping, DEFAULT_LIMITS, describeJsonataError, evaluateExpr, makeBindings, type EvalOutcome, type MappingLimits, type Table } from './evaluate.js';
import { policyViolations } from './policy.js';
import { maskPii } from './redact.js';
import { MAPPING_LANE, MappingPool, type MappingLane, type MappingPoolOptions } from './pool.js';

export { DEFAULT_LIMITS, type MappingLimits } from './evaluate.js';
export { MAPPING_LANE, MappingOverloadError, MappingUnavailableError, type MappingLane } from './pool.js';

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
/** Deepest input nesting a mapping is given; far past any platform's order (about a dozen). */
export const MAX_INPUT_DEPTH = 200;

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
    // The id, not the file: messages reach HTTP answers and logs, where a path tells an outsider
    // the hub's layout. `file` stays on the object for local tools (the CLI).
    super(`${mappingId}: ${message}`);
    this.name = 'MappingError';
  }
  toJSON() {
    return { mappingId: this.mappingId, code: this.code, message: this.message, position: this.position, issues: this.issues };
  }
}

interface Compiled {
  ref: MappingRef;
  file: string;
  source: string;
  expr: jsonata.Expression;
  loadedAt: string;
}

export interface MappingEngineOptions {
  dir: string;
  limits?: Partial<MappingLimits>;
  logger?: Logger;
  /**
   * Evaluate in worker threads (the hub does): a payload can then neither block the event loop
   * nor outlive the hard deadline. Without it evaluations run inline, one at a time (CLI, tests).
   */
  pool?: MappingPoolOptions;
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
  private tables = new Map<string, Table>();
  /** The tables as one plain object, as sent to worker threads. */
  private tablesObject: Record<string, Table> = {};
  private loadErrors = new Map<string, string>();
  /** Why a mapping does not load, without its file path (for answers that leave the hub). */
  private loadReasons = new Map<string, string>();
  private watchers: FSWatcher[] = [];
  private bindings: Record<string, unknown>;
  /** The end of the inline evaluation queue (see run). */
  private queue: Promise<void> = Promise.resolve();
  private readonly pool: MappingPool | null;

  constructor(opts: MappingEngineOptions) {
    this.dir = path.resolve(opts.dir);
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.logger = opts.logger;
    this.bindings = makeBindings((name) => this.tables.get(name));
    this.pool = opts.pool ? new MappingPool(opts.pool) : null;
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
    await this.pool?.warmUp();
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
    const next = new Map<string, Table>();
    for (const f of files.filter((x) => x.endsWith('.json'))) {
      const text = await readFile(path.join(tdir, f), 'utf8');
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`table ${f}: expected a JSON object`);
      next.set(f.replace(/\.json$/, ''), Object.freeze(Object.fromEntries(Object.entries(parsed).filter(([k]) => !k.startsWith('$')))));
    }
    this.tables = next;
    this.tablesObject = Object.fromEntries(next);
  }

  /** Compiles one file; on failure keeps the previous version. */
  async loadOne(ref: MappingRef): Promise<boolean> {
    const file = this.fileFor(ref);
    let source: string;
    try {
      source = await readFile(file, 'utf8');
    } catch (err) {
      this.loadErrors.set(ref.id, `cannot read ${file}: ${errorMessage(err)}`);
      this.loadReasons.set(ref.id, 'its file cannot be read');
      return false;
    }
    try {
      const expr = compileMapping(source, this.limits);
      const refused = policyViolations(expr);
      if (refused.length) {
        const msg = `${path.relative(process.cwd(), file)}: ${refused.join('; ')}`;
        this.loadErrors.set(ref.id, msg);
        this.loadReasons.set(ref.id, refused.join('; '));
        this.logger?.error({ mappingId: ref.id, code: 'E_POLICY' }, `mapping refused: ${msg}`);
        return false;
      }
      this.compiled.set(ref.id, { ref, file, source, expr, loadedAt: new Date().toISOString() });
      this.loadErrors.delete(ref.id);
      this.loadReasons.delete(ref.id);
      return true;
    } catch (err) {
      const d = describeJsonataError(err, this.limits);
      const msg = `${path.relative(process.cwd(), file)}: ${d.message}`;
      this.loadErrors.set(ref.id, msg);
      this.loadReasons.set(ref.id, `does not compile: ${d.message}`);
      this.logger?.error({ mappingId: ref.id, code: d.code }, `mapping failed to compile, keeping previous version: ${msg}`);
      return false;
    }
  }

  /** Compiles a mapping from text without registering it (dry runs of an unreleased draft). */
  compileDraft(id: string, source: string): Compiled {
    const ref = parseMappingId(id) ?? { id, adapter: 'draft', name: 'draft', version: 0 };
    let expr: jsonata.Expression;
    try {
      expr = compileMapping(source, this.limits);
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
    const reason = this.loadReasons.get(id);
    const ref = parseMappingId(id);
    if (!ref) throw new MappingError(id, undefined, 'E_MAPPING_ID', 'mapping id must look like <adapter>/<name>.v<N>');
    throw new MappingError(id, this.fileFor(ref), 'E_MAPPING_NOT_FOUND', reason ? `not loaded: ${reason}` : 'no such mapping');
  }

  /** Evaluates a registered mapping under the configured limits, in `lane` when pooled. */
  async evaluate(id: string, input: unknown, context: Record<string, unknown> = {}, opts: { lane?: MappingLane } = {}): Promise<unknown> {
    return this.run(this.get(id), input, context, opts.lane);
  }

  /**
   * Pooled: in a worker thread of the lane, under the hard deadline. Inline: evaluations run one
   * at a time, in arrival order. JSONata evaluates asynchronously and interleaves concurrent
   * evaluations at every internal await, so twenty orders mapped at once each took about twenty
   * times their own CPU time on the wall clock, and the per-evaluation time limit (a wall-clock
   * limit) failed good orders under load and sent them to quarantine. Queueing costs no
   * throughput on one thread; it makes each evaluation's clock measure its own work.
   */
  async run(c: Compiled, input: unknown, context: Record<string, unknown> = {}, lane: MappingLane = MAPPING_LANE.default): Promise<unknown> {
    // A real order nests a dozen levels. Thousands overflow the structured clone that carries
    // the input to a worker thread (a RangeError, answered 500) and JSONata's recursive walk.
    if (valueNestingExceeds(input, MAX_INPUT_DEPTH)) throw new MappingError(c.ref.id, c.file, 'E_INPUT_DEPTH', `input nests deeper than ${MAX_INPUT_DEPTH} levels`);
    let outcome: EvalOutcome;
    if (this.pool) {
      outcome = await this.pool.run(lane, { source: c.source, input, context, tables: this.tablesObject, limits: this.limits });
    } else {
      const turn = this.queue.then(() => evaluateExpr(c.expr, this.bindings, input, context, this.limits));
      this.queue = turn.then(
        () => undefined,
        () => undefined,
      );
      outcome = await turn;
    }
    if (outcome.retried) this.logger?.warn({ mappingId: c.ref.id, timeoutMs: this.limits.timeoutMs }, 'mapping hit its time limit; retried once (a loaded machine can stall one evaluation)');
    if (outcome.ok) return outcome.value;
    throw new MappingError(c.ref.id, c.file, outcome.code, maskPii(outcome.message, input), outcome.position);
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

  /** Stops watching and ends the worker threads. */
  async close(): Promise<void> {
    for (const w of this.watchers) w.close();
    this.watchers = [];
    await this.pool?.close();
  }
}
