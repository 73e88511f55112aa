import { z } from 'zod';

/** `${NAME}` or `${NAME:-default}` anywhere in a string. */
const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const PURE_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

export type Env = Readonly<Record<string, string | undefined>>;

/** Interpolates `${VAR}` references; returns the names that had no value and no default. */
export function interpolate(value: string, env: Env): { value: string; missing: string[] } {
  const missing: string[] = [];
  const out = value.replace(REF, (_m, name: string, fallback: string | undefined) => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    missing.push(name);
    return '';
  });
  return { value: out, missing };
}

/** A plain config string: `${VAR}` references are resolved, a missing one is a config error. */
export function envString(env: Env) {
  return z.string().transform((raw, ctx) => {
    const { value, missing } = interpolate(raw, env);
    for (const name of missing) ctx.addIssue({ code: 'custom', message: `missing env ${name}` });
    return value;
  });
}

/** An integer that may also be written as a `${VAR}` reference. */
export function envInt(env: Env, opts: { min?: number; max?: number } = {}) {
  let n = z.number().int();
  if (opts.min !== undefined) n = n.min(opts.min);
  if (opts.max !== undefined) n = n.max(opts.max);
  return z.union([n, envString(env).pipe(z.coerce.number<string>().pipe(n))]);
}

export const SECRET_META = { secret: true } as const;

/**
 * A secret is never written in config: only a `${ENV_VAR}` reference is accepted, so a config
 * file can be committed and reviewed without leaking anything.
 */
export function secretRef(env: Env) {
  return z
    .string()
    .meta(SECRET_META)
    .transform((raw, ctx) => {
      const m = PURE_REF.exec(raw.trim());
      if (!m) {
        ctx.addIssue({ code: 'custom', message: 'secrets must be a ${ENV_VAR} reference, never a literal value' });
        return z.NEVER;
      }
      const name = m[1] ?? '';
      const v = env[name];
      if (v === undefined || v === '') {
        ctx.addIssue({ code: 'custom', message: `missing env ${name}` });
        return z.NEVER;
      }
      return v;
    });
}

/** A boolean that may also be written as a `${VAR}` reference ("true"/"false"/"1"/"0"). */
export function envBool(env: Env) {
  return z.union([
    z.boolean(),
    envString(env).pipe(
      z.enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' }).transform((v) => v === 'true' || v === '1' || v === 'yes'),
    ),
  ]);
}
