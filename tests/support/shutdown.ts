import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logger.js';
import { packageRoot } from '../../src/util/package-info.js';

/**
 * Uncaught exceptions and unhandled rejections while a hub stops. Vitest would only report them
 * after the run; a test that stops a hub traps them itself and fails on any it saw.
 */
export function trapUnhandled() {
  const errors: string[] = [];
  let raised = (_e: string) => {};
  /** Resolves with the first trapped error: race a caller's promise against it, so a call that an uncaught error left hanging fails the test at once. */
  const first = new Promise<string>((resolve) => (raised = resolve));
  const record = (kind: string) => (err: unknown) => {
    const e = `${kind}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
    errors.push(e);
    raised(e);
  };
  const onException = record('uncaughtException');
  const onRejection = record('unhandledRejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return {
    errors,
    first,
    dispose() {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    },
  };
}

/** A logger whose JSON lines a test can read back (what an operator would see on stdout). */
export function capturingLogger(level = 'info'): { logger: Logger; messages: () => string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const messages = () =>
    lines.map((l) => {
      const parsed: unknown = JSON.parse(l);
      return typeof parsed === 'object' && parsed !== null && 'msg' in parsed ? String(parsed.msg) : '';
    });
  return { logger: createLogger({ level, name: 'shutdown-test' }, sink), messages };
}

export interface CliHub {
  url: string;
  /** Everything the process wrote, stdout and stderr. */
  output(): string;
  /** SIGTERM, as a supervisor sends it; resolves with the exit code. */
  terminate(): Promise<number | null>;
}

/**
 * `zhongshu start` as a real process against the given services (no embedded ones): the CLI's own
 * SIGTERM path. An uncaught error or unhandled rejection in it ends it with exit code 1.
 */
export async function startCliHub(o: { configFile: string; config: string; port: number; env: Record<string, string> }): Promise<CliHub> {
  const root = packageRoot();
  if (!existsSync(path.join(root, 'dist/src/cli.js'))) throw new Error('run `npm run build` first (npm test does)');
  await writeFile(o.configFile, o.config);
  let out = '';
  const proc = spawn(process.execPath, [path.join(root, 'bin', 'zhongshu.js'), 'start', '--config', o.configFile], {
    cwd: root,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (out.includes('Zhongshu is up')) {
        clearInterval(check);
        resolve();
      } else if (proc.exitCode !== null) {
        clearInterval(check);
        reject(new Error(`hub exited early (${proc.exitCode}):\n${out.slice(-3000)}`));
      }
    }, 100);
  });
  return {
    url: `http://127.0.0.1:${o.port}`,
    output: () => out,
    terminate() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
}
