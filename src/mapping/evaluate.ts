import jsonata from 'jsonata';
import { errorMessage } from '../util/errors.js';
import * as fn from './functions.js';

/**
 * The evaluation core shared by the engine's inline mode and the mapping worker threads
 * (src/mapping/worker.ts): compile, bind the function library, evaluate under limits, and report
 * the outcome as plain data (it crosses a thread boundary).
 */

export interface MappingLimits {
  /** Wall-clock budget per evaluation, checked by JSONata between steps. */
  timeoutMs: number;
  /** Maximum evaluation stack depth (stops infinite recursion). */
  maxDepth: number;
  /** Maximum length of any sequence built during evaluation. */
  maxSequence: number;
}

export const DEFAULT_LIMITS: MappingLimits = { timeoutMs: 500, maxDepth: 500, maxSequence: 100_000 };

export type Table = Readonly<Record<string, unknown>>;

export type EvalOutcome =
  | { ok: true; value: unknown; retried: boolean }
  | { ok: false; code: string; message: string; position?: number; retried: boolean };

/** jsonata throws plain objects `{code, position, token, message}`; read them without casting. */
export function describeJsonataError(err: unknown, limits: MappingLimits): { code: string; message: string; position?: number } {
  if (err instanceof fn.MappingFunctionError) return { code: 'E_FUNCTION', message: err.message };
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

export function compileMapping(source: string, limits: MappingLimits): jsonata.Expression {
  return jsonata(source, { timeout: limits.timeoutMs, stack: limits.maxDepth, sequence: limits.maxSequence });
}

/** The function library as JSONata bindings; `table` resolves `$lookup`'s table names. */
export function makeBindings(table: (name: string) => Table | undefined): Record<string, unknown> {
  const lookup = (name: unknown, key: unknown, fallback?: unknown): unknown => {
    if (typeof name !== 'string') throw new fn.MappingFunctionError('lookup', 'table name must be a string');
    const t = table(name);
    if (!t) throw new fn.MappingFunctionError('lookup', `no table "${name}" in the mappings' _tables/`);
    const k = key === undefined || key === null ? '' : String(key);
    if (Object.prototype.hasOwnProperty.call(t, k)) return t[k];
    if (fallback !== undefined) return fallback;
    throw new fn.MappingFunctionError('lookup', `value "${k}" is not in table "${name}"`);
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
    splitDiscount: fn.splitDiscount,
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

/**
 * The time limit is a wall clock (JSONata checks Date.now() at every step), so a loaded machine
 * can stop a mapping of a few milliseconds past it: the process descheduled, a long GC pause.
 * The 100,000-row ERP bench at a load average of 15 on 2 cores quarantined 2 good rows that way.
 * A runaway expression exceeds the limit every time; a stall does not strike the same small
 * evaluation twice in a row. So a time-limit failure is retried once before it counts.
 */
export async function evaluateExpr(expr: jsonata.Expression, bindings: Record<string, unknown>, input: unknown, context: Record<string, unknown>, limits: MappingLimits): Promise<EvalOutcome> {
  let retried = false;
  try {
    let out: unknown;
    try {
      out = await expr.evaluate(input, { ...bindings, context });
    } catch (err) {
      if (describeJsonataError(err, limits).code !== 'D1012') throw err;
      retried = true;
      out = await expr.evaluate(input, { ...bindings, context });
    }
    return { ok: true, value: normalizeSequences(out), retried };
  } catch (err) {
    return { ok: false, ...describeJsonataError(err, limits), retried };
  }
}

/**
 * JSONata marks its internal sequences with extra properties and may collapse singletons; a
 * JSON round-trip makes the output plain data (what zod and Temporal expect).
 */
function normalizeSequences(v: unknown): unknown {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}
