import { readFile } from 'node:fs/promises';
import { parseConfigText } from '../config/load.js';
import { errorCode, errorMessage } from '../util/errors.js';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { createLogger } from '../logger.js';
import { AdapterRegistry } from '../sdk/registry.js';
import { pollTargets } from '../polling/schedules.js';
import { legacyErpPolls } from '../legacy-erp/schedules.js';

/** The problems of a config error (its lines after the heading). */
function problemLines(err: unknown): string[] {
  const msg = errorMessage(err);
  const lines = msg.split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
  return lines.length ? lines : [msg];
}

/** `zhongshu config check [file]`: every problem with its path, exit 1 if any. */
export async function configCheckCommand(file: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    process.stderr.write(`${file}: cannot read (${errorCode(err) ?? 'error'})\n`);
    return 1;
  }
  const r = parseConfigText(text, env);
  if (r.ok && r.config.connectors.length) {
    // Connector configs belong to their adapters' schemas: check them here too, secrets included.
    const registry = new AdapterRegistry({ logger: createLogger({ level: 'silent' }), fetch, mappings: null, now: () => new Date() }, env);
    for (const def of BUILTIN_ADAPTERS) registry.register(def);
    const lines: string[] = [];
    try {
      registry.configure(r.config.connectors);
    } catch (err) {
      lines.push(...problemLines(err));
    }
    if (!lines.length) {
      // Polling: a channel asking for a pull its connector lacks, a window above the platform's
      // limit, a shop-poll field on an ERP channel, two channels on one ERP's cursor. Both checks
      // run so every problem is listed at once.
      const checks: (() => unknown)[] = [() => pollTargets(r.config, registry), () => legacyErpPolls(r.config, registry)];
      for (const check of checks) {
        try {
          await check();
        } catch (err) {
          lines.push(...problemLines(err));
        }
      }
    }
    if (lines.length) {
      for (const l of lines) process.stderr.write(`${l}\n`);
      process.stderr.write(`${file}: ${lines.length} problem(s)\n`);
      return 1;
    }
  }
  if (r.ok) {
    process.stdout.write(`${file}: ok (${r.config.channels.length} channel(s), ${r.config.auth.apiKeys.length} API key(s))\n`);
    return 0;
  }
  for (const p of r.problems) process.stderr.write(`${p.path || '(root)'}: ${p.message}\n`);
  process.stderr.write(`${file}: ${r.problems.length} problem(s)\n`);
  return 1;
}
