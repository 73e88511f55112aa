import { fork, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { SimHubSpec } from './hub-config.js';

/** A running worker child: its pid, and the two ways it ends. */
export interface WorkerChild {
  readonly pid: number;
  /** SIGKILL: the process dies at once, nothing drains. */
  kill(): Promise<void>;
  /** SIGTERM: the worker drains and exits (end of the day). */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 120_000;

/**
 * Forks worker-process in its own Node process. From the TypeScript sources (tests, tsx) the
 * child runs through the tsx loader; from the build (bin/zhongshu.js) it is plain JavaScript.
 * Its output is appended to `logFile`, whose tail is in the error if it dies before it is ready.
 */
export async function startWorkerChild(spec: SimHubSpec, specFile: string, logFile: string): Promise<WorkerChild> {
  await writeFile(specFile, JSON.stringify(spec), { mode: 0o600 });
  const self = fileURLToPath(import.meta.url);
  const fromSource = self.endsWith('.ts');
  const entry = self.replace(/worker-child\.(ts|js)$/, `worker-process.${fromSource ? 'ts' : 'js'}`);
  const out = createWriteStream(logFile, { flags: 'a' });
  const child: ChildProcess = fork(entry, [specFile], { execArgv: fromSource ? ['--import', 'tsx'] : [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  child.stdout?.pipe(out, { end: false });
  child.stderr?.pipe(out, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`simulated worker not ready after ${READY_TIMEOUT_MS} ms; see ${logFile}`));
    }, READY_TIMEOUT_MS);
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    void exited.then(async () => {
      clearTimeout(timer);
      const tail = (await readFile(logFile, 'utf8').catch(() => '')).slice(-1500);
      reject(new Error(`simulated worker exited before it was ready (code ${child.exitCode}): ${tail}`));
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('simulated worker has no pid');
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    pid,
    kill: () => end('SIGKILL'),
    async stop() {
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await end('SIGTERM');
      clearTimeout(timer);
    },
  };
}
