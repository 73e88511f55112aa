import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { MissingBinaryError, zhongshuCacheDir } from '../embedded/binaries.js';
import { packageRoot } from '../util/package-info.js';

/** scripts/provision/lib.sh repeats this version (TEMPORAL_SERVER_VERSION). */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';

/** The binaries and schema files scripts/provision/temporal-server.sh builds and caches. */
export interface TemporalServerBuild {
  server: string;
  sqlTool: string;
  /** schema/postgresql/v12 of the server module: temporal/ and visibility/, each with versioned/. */
  postgresSchemaDir: string;
}

/** Where the provisioning script caches the build (ZHONGSHU_TEMPORAL_SERVER_DIR overrides). */
export function temporalServerDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['ZHONGSHU_TEMPORAL_SERVER_DIR'] || path.join(zhongshuCacheDir(env), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The cached build, or null when it was never provisioned (the cluster test skips then). */
export function provisionedTemporalServer(env: NodeJS.ProcessEnv = process.env): TemporalServerBuild | null {
  const dir = temporalServerDir(env);
  const build = { server: path.join(dir, 'temporal-server'), sqlTool: path.join(dir, 'temporal-sql-tool'), postgresSchemaDir: path.join(dir, 'schema', 'postgresql', 'v12') };
  const complete = existsSync(path.join(dir, '.complete')) && executable(build.server) && executable(build.sqlTool) && existsSync(path.join(build.postgresSchemaDir, 'temporal', 'versioned'));
  return complete ? build : null;
}

export function findTemporalServer(env: NodeJS.ProcessEnv = process.env): TemporalServerBuild {
  const build = provisionedTemporalServer(env);
  if (build) return build;
  throw new MissingBinaryError(`Temporal server ${TEMPORAL_SERVER_VERSION} (${temporalServerDir(env)})`, 'run `bash scripts/provision/temporal-server.sh` (builds it from its Go module, ~3 min on 2 cores)');
}

/** The directory `--root` points at: it holds config/ (the file docker-compose.yml mounts too). */
export function temporalConfigRoot(): string {
  return path.join(packageRoot(), 'deploy', 'temporal');
}

/** `--env` of the server: config/<name>.yaml. */
export const TEMPORAL_CONFIG_ENV = 'zhongshu';
