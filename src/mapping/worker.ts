import type jsonata from 'jsonata';
import { compileMapping, describeJsonataError, evaluateExpr, makeBindings, type EvalOutcome, type MappingLimits, type Table } from './evaluate.js';

/** One evaluation sent to a mapping worker thread (src/mapping/pool.ts). */
export interface WorkerTask {
  source: string;
  input: unknown;
  context: Record<string, unknown>;
  tables: Record<string, Table>;
  limits: MappingLimits;
}

// Compiled once per worker per source text: a reloaded mapping is a new source, a new entry.
const compiled = new Map<string, jsonata.Expression>();
const MAX_COMPILED = 256;

/** The worker's entry point: piscina calls it with each task (null warms the thread up). */
export default async function evaluateTask(task: WorkerTask | null): Promise<EvalOutcome> {
  if (task === null) return { ok: true, value: null, retried: false };
  const key = `${task.limits.timeoutMs}/${task.limits.maxDepth}/${task.limits.maxSequence}\n${task.source}`;
  let expr = compiled.get(key);
  if (!expr) {
    try {
      expr = compileMapping(task.source, task.limits);
    } catch (err) {
      return { ok: false, ...describeJsonataError(err, task.limits), retried: false };
    }
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(key, expr);
  }
  const tables = task.tables;
  return evaluateExpr(expr, makeBindings((name) => (Object.prototype.hasOwnProperty.call(tables, name) ? tables[name] : undefined)), task.input, task.context, task.limits);
}
