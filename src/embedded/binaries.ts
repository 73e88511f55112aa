import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    const p = path.join(dir, name);
    if (dir && executable(p)) return p;
  }
  return undefined;
}

/** The provisioning scripts' cache outside the clone (scripts/provision/lib.sh: ZS_CACHE_DIR). */
export function zhongshuCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['ZHONGSHU_CACHE_DIR'] ?? path.join(env['XDG_CACHE_HOME'] ?? path.join(homedir(), '.cache'), 'zhongshu');
}

/** Where scripts/provision/temporal.sh caches its build. */
export function cachedTemporalPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(zhongshuCacheDir(env), `temporal-cli-${TEMPORAL_CLI_VERSION}`, 'temporal');
}

export class MissingBinaryError extends Error {
  constructor(what: string, hint: string) {
    super(`${what} not found: ${hint}`);
    this.name = 'MissingBinaryError';
  }
}

export function findTemporalBinary(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['ZHONGSHU_TEMPORAL_BIN'];
  if (explicit) {
    if (executable(explicit)) return explicit;
    throw new MissingBinaryError(`ZHONGSHU_TEMPORAL_BIN=${explicit}`, 'that file is not executable');
  }
  const cached = cachedTemporalPath(env);
  if (executable(cached)) return cached;
  const p = onPath('temporal');
  if (p) return p;
  throw new MissingBinaryError('temporal CLI', 'run `npm run provision` (builds it from its Go module), or set TEMPORAL_ADDRESS to an existing server');
}

export function findRedisServer(): string {
  const p = onPath('redis-server');
  if (p) return p;
  throw new MissingBinaryError('redis-server', 'run `npm run provision` (installs Debian\'s redis-server), or set REDIS_URL to an existing Redis');
}
