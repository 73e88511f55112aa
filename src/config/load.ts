import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { configSchema, type HubConfig } from './schema.js';
import type { Env } from './env-ref.js';
import { errorCode } from '../util/errors.js';

export interface ConfigProblem {
  path: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
  ) {
    super(`invalid config ${source}:\n${problems.map((p) => `  ${p.path || '(root)'}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** `['channels', 2, 'secret']` -> `channels[2].secret` */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

export function issuesToProblems(issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  return issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

export type ParseResult = { ok: true; config: HubConfig } | { ok: false; problems: ConfigProblem[] };

/** Parses config from an already-loaded document (YAML object or plain object). */
export function parseConfig(doc: unknown, env: Env = process.env): ParseResult {
  const r = configSchema(env).safeParse(doc ?? {});
  return r.success ? { ok: true, config: r.data } : { ok: false, problems: issuesToProblems(r.error.issues) };
}

export function parseConfigText(text: string, env: Env = process.env): ParseResult {
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    const msg = err instanceof YAMLParseError ? err.message.split('\n')[0] ?? err.message : String(err);
    return { ok: false, problems: [{ path: '', message: `YAML: ${msg}` }] };
  }
  return parseConfig(doc, env);
}

export async function loadConfigFile(file: string, env: Env = process.env): Promise<HubConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [{ path: '', message: `cannot read file: ${errorCode(err) ?? String(err)}` }]);
  }
  const r = parseConfigText(text, env);
  if (!r.ok) throw new ConfigError(file, r.problems);
  return r.config;
}

/**
 * For CLI commands: the config, or null after writing the config's problems to stderr (the
 * command then exits 2). Other errors are not the config's and are thrown.
 */
export async function loadConfigForCli(file: string, env: Env = process.env): Promise<HubConfig | null> {
  try {
    return await loadConfigFile(file, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return null;
  }
}
