import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { createWriteStream } from 'node:fs';
import type { Logger } from '../logger.js';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * Starts a child process whose output goes to a log file (not our stdout, which carries the hub's
 * JSON logs), and whose early death is reported with the tail of that log.
 */
export function startProcess(name: string, cmd: string, args: string[], opts: { logFile: string; logger: Logger; cwd?: string; uid?: number; gid?: number; env?: NodeJS.ProcessEnv }): ManagedProcess {
  const out = createWriteStream(opts.logFile, { flags: 'a' });
  const child = spawn(cmd, args, { cwd: opts.cwd, ...(opts.env ? { env: opts.env } : {}), stdio: ['ignore', 'pipe', 'pipe'], detached: false, ...(opts.uid !== undefined ? { uid: opts.uid } : {}), ...(opts.gid !== undefined ? { gid: opts.gid } : {}) });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      opts.logger.info({ process: name, code, signal }, `${name} exited`);
      resolve();
    });
  });
  child.once('error', (err) => opts.logger.error({ process: name, err: err.message }, `${name} failed to start`));
  return {
    name,
    child,
    async stop(timeoutMs = 10_000) {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exitPromise;
      clearTimeout(timer);
      out.end();
    },
  };
}

export function tcpReachable(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host, port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

export async function waitFor(what: string, check: () => Promise<boolean>, opts: { timeoutMs: number; child?: ChildProcess; logFile?: string }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline) {
    if (opts.child && opts.child.exitCode !== null) {
      throw new Error(`${what} exited with code ${opts.child.exitCode} before it was ready${opts.logFile ? `; see ${opts.logFile}` : ''}`);
    }
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${what} was not ready after ${opts.timeoutMs} ms${opts.logFile ? `; see ${opts.logFile}` : ''}`);
}
