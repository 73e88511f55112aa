import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { packageRoot } from '../src/util/package-info.js';

/**
 * `zhongshu simulate` stopped by SIGTERM (a CI job cancelled, an operator's Ctrl-C): it stops the
 * day, closes the hub, the sandboxes and the redis-server it started, says so, and exits 143. It
 * used to keep running (the Temporal runtime's signal handler took the signal and only stopped the
 * worker), so only SIGKILL ended it, leaving its redis-server and sandboxes behind.
 */
const root = packageRoot();
const bin = path.join(root, 'bin', 'zhongshu.js');

const reachable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });

describe('zhongshu simulate and SIGTERM', () => {
  it('stops the day, closes what it started and exits 143', async () => {
    const env = { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), REDIS_URL: '' };
    const child = spawn(process.execPath, [bin, 'simulate', '--orders', '400', '--speed', '60', '--no-faults'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    await expect.poll(() => /\[simulate\] hub on http:\/\/127\.0\.0\.1:(\d+)/.test(err), { timeout: 120_000, interval: 100 }).toBe(true);
    const port = Number(/hub on http:\/\/127\.0\.0\.1:(\d+)/.exec(err)?.[1]);
    expect(await reachable(port)).toBe(true);
    child.kill('SIGTERM');
    // Bounded so a CLI that swallowed the signal fails here instead of hanging the run.
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still running 90 s after SIGTERM'), 90_000)))]);
    clearTimeout(timer);
    if (child.exitCode === null) child.kill('SIGKILL');
    expect(code, err.slice(-2000)).toBe(143);
    expect(err).toContain('[simulate] stopped by SIGTERM');
    expect(await reachable(port)).toBe(false);
  }, 240_000);
});
