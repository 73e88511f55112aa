import { createHash } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { MissingBinaryError, zhongshuCacheDir } from '../../src/embedded/binaries.js';
import { packageRoot, workflowsPath } from '../../src/util/package-info.js';

/**
 * The time-skipping test server for workflow-level tests: Temporal's Java test server, fetched
 * from Maven Central by scripts/provision/temporal-test-server.sh (the SDK's own download source
 * is not reachable everywhere). Same version as scripts/provision/lib.sh.
 */
export const TEMPORAL_TEST_SERVER_VERSION = '1.38.0';
const PROVISION_HINT = 'run `bash scripts/provision/temporal-test-server.sh` (fetches it from Maven Central; needs Java 17 and mvn), or set ZHONGSHU_TEST_SERVER_BIN to its wrapper';

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function cachedTestServerPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(zhongshuCacheDir(env), `temporal-test-server-${TEMPORAL_TEST_SERVER_VERSION}`, 'temporal-test-server');
}

/** ZHONGSHU_TEST_SERVER_BIN, else the provisioning script's cache; a clear error otherwise, never a skip. */
export function findTestServer(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['ZHONGSHU_TEST_SERVER_BIN'];
  if (explicit) {
    if (executable(explicit)) return explicit;
    throw new MissingBinaryError(`ZHONGSHU_TEST_SERVER_BIN=${explicit}`, `that file is not executable; ${PROVISION_HINT}`);
  }
  const cached = cachedTestServerPath(env);
  if (executable(cached)) return cached;
  throw new MissingBinaryError(`Temporal time-skipping test server (${cached})`, PROVISION_HINT);
}

/**
 * Starts the test server. The SDK gives a new server 5 s to answer, which a JVM on a busy
 * two-core machine may miss: a start that timed out is tried again (the SDK killed the slow one).
 */
export async function startTimeSkippingEnv(attempts = 3): Promise<TestWorkflowEnvironment> {
  const exe = findTestServer();
  for (let i = 1; ; i++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: exe } } });
    } catch (err) {
      const slowStart = err instanceof Error && /did not start within/.test(err.message);
      if (!slowStart || i >= attempts) throw new Error(`the Temporal test server (${exe}) did not start: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
}

async function workflowSources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await workflowSources(p)));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

/**
 * The workflow bundle, built once per change of workflows/ (or of the SDK) and kept in the temp
 * dir: webpack takes several seconds, and every workflow test file needs the same bundle.
 */
export async function workflowBundle(): Promise<{ codePath: string }> {
  const entry = workflowsPath();
  const hash = createHash('sha256');
  const sdk = createRequire(import.meta.url)('@temporalio/workflow/package.json') as { version?: unknown };
  hash.update(`sdk ${String(sdk.version)}\n`);
  for (const f of await workflowSources(path.dirname(entry))) hash.update(`${path.relative(packageRoot(), f)}\n`).update(await readFile(f));
  const dir = path.join(tmpdir(), 'zhongshu-workflow-bundles');
  const codePath = path.join(dir, `${hash.digest('hex').slice(0, 24)}.js`);
  if (await stat(codePath).then(() => true, () => false)) return { codePath };
  const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };
  const { code } = await bundleWorkflowCode({ workflowsPath: entry, logger: silent });
  await mkdir(dir, { recursive: true });
  // Written then renamed: a file running in parallel never reads half a bundle.
  const tmp = `${codePath}.${process.pid}.tmp`;
  await writeFile(tmp, code);
  await rename(tmp, codePath);
  return { codePath };
}
