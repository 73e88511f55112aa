import { z } from 'zod';
import { interpolate, type Env } from '../config/env-ref.js';
import type { ConfigProblem } from '../config/load.js';
import { formatPath } from '../config/load.js';

const PURE_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

type JsonSchema = { [k: string]: unknown };

function isObject(v: unknown): v is JsonSchema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Paths (dot-joined, `*` for array items) of fields whose schema carries `secret: true`. */
export function secretPaths(schema: z.ZodType): Set<string> {
  const js: unknown = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' });
  const out = new Set<string>();
  const walk = (node: unknown, at: string[]) => {
    if (!isObject(node)) return;
    if (node['secret'] === true) out.add(at.join('.'));
    const props = node['properties'];
    if (isObject(props)) for (const [k, v] of Object.entries(props)) walk(v, [...at, k]);
    if (isObject(node['items'])) walk(node['items'], [...at, '*']);
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      const list = node[key];
      if (Array.isArray(list)) for (const v of list) walk(v, at);
    }
  };
  walk(js, []);
  return out;
}

/**
 * Resolves `${VAR}` references in a connector's raw config, then parses it with the adapter's
 * schema. Secret fields accept only a reference, so a literal secret in YAML is an error.
 */
export function resolveConnectorConfig<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  env: Env,
  pathPrefix: (string | number)[] = [],
): { ok: true; config: z.output<S> } | { ok: false; problems: ConfigProblem[] } {
  const secrets = secretPaths(schema);
  const problems: ConfigProblem[] = [];
  const visit = (v: unknown, at: (string | number)[]): unknown => {
    if (typeof v === 'string') {
      const key = at.map((s) => (typeof s === 'number' ? '*' : s)).join('.');
      if (secrets.has(key)) {
        const m = PURE_REF.exec(v.trim());
        if (!m) {
          problems.push({ path: formatPath([...pathPrefix, ...at]), message: 'secrets must be a ${ENV_VAR} reference, never a literal value' });
          return v;
        }
        const val = env[m[1] ?? ''];
        if (val === undefined || val === '') problems.push({ path: formatPath([...pathPrefix, ...at]), message: `missing env ${m[1]}` });
        return val ?? '';
      }
      const r = interpolate(v, env);
      for (const name of r.missing) problems.push({ path: formatPath([...pathPrefix, ...at]), message: `missing env ${name}` });
      return r.value;
    }
    if (Array.isArray(v)) return v.map((x, i) => visit(x, [...at, i]));
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x, [...at, k])]));
    return v;
  };
  const resolved = visit(raw ?? {}, []);
  if (problems.length) return { ok: false, problems };
  const r = schema.safeParse(resolved);
  if (!r.success) return { ok: false, problems: r.error.issues.map((i) => ({ path: formatPath([...pathPrefix, ...i.path]), message: i.message })) };
  return { ok: true, config: r.data };
}

/** The per-request timeout every HTTP adapter has; a request that outlives it fails retryably as `timeout`. */
export function timeoutMs(defaultMs: number, maxMs?: number) {
  const n = z.number().int().positive();
  return (maxMs === undefined ? n : n.max(maxMs)).default(defaultMs).describe('How long one request may wait for its answer, in milliseconds, before it fails retryably as `timeout`');
}

/** A string field that holds a secret (docs show it as such; config requires an env reference). */
export function secret(description?: string) {
  return z.string().min(1).meta({ secret: true, ...(description ? { description } : {}) });
}
