import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { packageRoot } from '../src/util/package-info.js';

/**
 * `zhongshu start --role <role>` as a real child process (the CLI from source through tsx, so
 * neither the tests nor the bench need a build), output to a log file. Ready once it printed its
 * banner. Shared by tests/cluster-topology.test.ts and bench section J.
 */
export interface HubProcess {
  readonly role: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  kill(signal: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

const BANNER = /Zhongshu is up \(role: (\w+)\)/;

export async function startHubProcess(o: { role: 'http' | 'worker'; configFile: string; env: NodeJS.ProcessEnv; logFile: string; readyTimeoutMs: number }): Promise<HubProcess> {
  const root = packageRoot();
  // The child writes its log to the file itself: piping it through this process would put every
  // log line of a busy hub on this event loop (the bench's load generator and sandboxes).
  const fd = openSync(o.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'cli.ts'), 'start', '--role', o.role, '--config', o.configFile], { cwd: root, env: o.env, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + o.readyTimeoutMs;
  for (;;) {
    const log = await readFile(o.logFile, 'utf8').catch(() => '');
    if (BANNER.test(log)) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`hub --role ${o.role} ${child.exitCode !== null ? `exited with ${child.exitCode}` : `not up after ${o.readyTimeoutMs} ms`}; log tail:\n${log.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await exited;
  };
  return {
    role: o.role,
    child,
    logFile: o.logFile,
    kill,
    async stop() {
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await kill('SIGTERM');
      clearTimeout(timer);
    },
  };
}
