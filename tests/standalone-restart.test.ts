import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTemporalBinary } from '../src/embedded/binaries.js';
import { packageRoot } from '../src/util/package-info.js';
import { freePort } from './support/global-setup.js';
import { tcpReachable } from '../src/embedded/process.js';
import { json } from './support/json.js';

const run = promisify(execFile);
const root = packageRoot();
const bin = path.join(root, 'bin', 'zhongshu.js');

/**
 * The new user's path, as a real process: `zhongshu start` with no TEMPORAL_ADDRESS / REDIS_URL
 * starts its embedded dev server and redis-server, takes signed sample traffic, and after a
 * SIGTERM and a second start still has every workflow and its history.
 */
let dataDir: string;
let env: NodeJS.ProcessEnv;
let ports: { hub: number; temporal: number; ui: number; redis: number; postgres: number };
let proc: ChildProcess | null = null;
let output = '';

function startHub(): Promise<void> {
  output = '';
  proc = spawn(process.execPath, [bin, 'start', '--config', path.join(root, 'config/zhongshu.yaml')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not come up:\n${output.slice(-3000)}`)), 90_000);
    const check = setInterval(() => {
      if (output.includes('Zhongshu is up')) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
      if (proc?.exitCode !== null) {
        clearInterval(check);
        clearTimeout(timer);
        reject(new Error(`hub exited early (${proc?.exitCode}):\n${output.slice(-3000)}`));
      }
    }, 100);
  });
}

function stopHub(): Promise<number | null> {
  const p = proc;
  if (!p || p.exitCode !== null) return Promise.resolve(p?.exitCode ?? null);
  return new Promise((resolve) => {
    p.once('exit', (code) => resolve(code));
    p.kill('SIGTERM');
  });
}

beforeAll(async () => {
  if (!existsSync(path.join(root, 'dist/src/cli.js'))) throw new Error('run `npm run build` first (npm test does)');
  dataDir = await mkdtemp(path.join(tmpdir(), 'zs-standalone-'));
  ports = { hub: await freePort(), temporal: await freePort(), ui: await freePort(), redis: await freePort(), postgres: await freePort() };
  env = {
    ...process.env,
    TEMPORAL_ADDRESS: '',
    REDIS_URL: '',
    DATABASE_URL: '',
    ZHONGSHU_POSTGRES_PORT: String(ports.postgres),
    ZHONGSHU_PORT: String(ports.hub),
    ZHONGSHU_TEMPORAL_PORT: String(ports.temporal),
    ZHONGSHU_TEMPORAL_UI_PORT: String(ports.ui),
    ZHONGSHU_REDIS_PORT: String(ports.redis),
    ZHONGSHU_DATA_DIR: dataDir,
    SHOPIFY_WEBHOOK_SECRET: 'standalone-secret',
    ZHONGSHU_ADMIN_KEY: 'standalone-admin',
    LOG_LEVEL: 'warn',
  };
});
afterAll(async () => {
  await stopHub();
  await rm(dataDir, { recursive: true, force: true });
});

describe('zhongshu start (embedded Temporal and Redis)', () => {
  it('takes sample traffic, survives a restart with its workflows, and stops its children', async () => {
    await startHub();
    expect(output).toContain(`http://127.0.0.1:${ports.hub}`);
    expect(output).toContain(`temporal UI: http://127.0.0.1:${ports.ui}`);
    expect(output).toContain(`database:    postgres://zhongshu@127.0.0.1:${ports.postgres}/zhongshu (embedded PostgreSQL, order store)`);
    const base = `http://127.0.0.1:${ports.hub}`;

    const sent = await run(process.execPath, [bin, 'demo', 'send', '--config', path.join(root, 'config/zhongshu.yaml'), '--count', '2'], { cwd: root, env });
    expect(sent.stdout).toMatch(/HTTP 200 .*"duplicate":false/);
    expect(sent.stdout).toMatch(/redelivery of the first order: HTTP 200 .*"duplicate":true/);
    expect(sent.stdout).toMatch(/badly signed copy: HTTP 401/);
    const orderKey = /"orderKey":"([^"]+)"/.exec(sent.stdout)?.[1];
    expect(orderKey).toBeTruthy();

    const auth = { headers: { authorization: 'Bearer standalone-admin' } };
    let before: { state?: string; timeline?: unknown } = {};
    for (let i = 0; i < 50 && before.state !== 'paid'; i++) {
      before = await json(await fetch(`${base}/api/orders/${orderKey}`, auth));
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(before.state).toBe('paid');

    // The workflow is visible to the temporal CLI, as an SRE would look for it.
    const listed = await run(findTemporalBinary(), ['workflow', 'list', '--address', `127.0.0.1:${ports.temporal}`, '--query', `WorkflowId='order:${orderKey}'`, '-o', 'json']);
    expect(listed.stdout).toContain(`order:${orderKey}`);

    expect(await stopHub()).toBe(0);
    expect(output).toContain('stopped.');
    // Children are gone: their ports are free again.
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();

    await startHub();
    const after = await json(await fetch(`${base}/api/orders/${orderKey}`, auth));
    expect(after).toMatchObject({ orderKey, state: 'paid', runStatus: 'COMPLETED' });
    expect(after.timeline).toEqual(before.timeline);
    expect(after.timeline.map((t: { state: string }) => t.state)).toEqual(['received', 'paid']);
    const history = await run(findTemporalBinary(), ['workflow', 'show', '--address', `127.0.0.1:${ports.temporal}`, '--workflow-id', `order:${orderKey}`, '-o', 'json']);
    // recordOrder ran, as a local activity (PATCH.LOCAL_STORE_STEPS): its marker names it in a base64 payload.
    expect(localActivityTypes(history.stdout)).toContain('recordOrder');
    // The order store (embedded PostgreSQL under the data dir) kept the order across the restart.
    const platformOrderId = orderKey?.split(':').pop() ?? '';
    const found = await json(await fetch(`${base}/api/orders?platformOrderId=${platformOrderId}`, auth));
    expect(found.orders).toEqual([expect.objectContaining({ orderKey, state: 'paid' })]);
    expect(after.history.url).toBe(`http://127.0.0.1:${ports.ui}/namespaces/default/workflows/${encodeURIComponent(`order:${orderKey}`)}`);
    expect(await stopHub()).toBe(0);
    expect(await tcpReachable('127.0.0.1', ports.postgres)).toBe(false);
  });
});

/** The activity types of the local-activity markers in a `temporal workflow show -o json` history. */
function localActivityTypes(historyJson: string): string[] {
  const History = z.object({ events: z.array(z.object({ markerRecordedEventAttributes: z.object({ markerName: z.string(), details: z.record(z.string(), z.object({ payloads: z.array(z.object({ data: z.string() })) })).optional() }).optional() })) });
  return History.parse(JSON.parse(historyJson))
    .events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')
    .map((e) => z.object({ activity_type: z.string() }).parse(JSON.parse(Buffer.from(e.markerRecordedEventAttributes?.details?.['data']?.payloads[0]?.data ?? '', 'base64').toString('utf8'))).activity_type);
}

describe('zhongshu start when an embedded service cannot start', () => {
  it('exits 1 and stops the embedded services that did start', async () => {
    // Another process holds the Temporal port: the dev server fails while redis-server comes up.
    const held = new Set<Socket>();
    const holder: Server = await new Promise((resolve) => {
      const srv = createServer((sock) => {
        held.add(sock);
        sock.on('close', () => held.delete(sock));
      });
      srv.listen(ports.temporal, '127.0.0.1', () => resolve(srv));
    });
    try {
      const failing = spawn(process.execPath, [bin, 'start', '--config', path.join(root, 'config/zhongshu.yaml')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      failing.stderr?.on('data', (d: Buffer) => (out += d.toString()));
      // Bounded so a CLI that never exits fails here instead of hanging the run (then it is killed).
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        new Promise<number | null>((resolve) => failing.once('exit', (c) => resolve(c))),
        new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still running 60 s after the failed start'), 60_000))),
      ]);
      clearTimeout(timer);
      if (failing.exitCode === null) failing.kill('SIGKILL');
      expect(out).toContain('cannot start embedded services');
      expect(code).toBe(1);
      // Its redis-server is not left behind holding the port.
      expect(await tcpReachable('127.0.0.1', ports.redis)).toBe(false);
    } finally {
      for (const sock of held) sock.destroy();
      await new Promise((r) => holder.close(r));
    }
  });
});

describe('zhongshu start stopped while it is still starting', () => {
  it('takes a SIGTERM received during start-up: comes up, then stops at once and exits 0', async () => {
    const starting = spawn(process.execPath, [bin, 'start', '--config', path.join(root, 'config/zhongshu.yaml')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    starting.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => starting.once('exit', (c) => resolve(c)));
    // Its redis-server answers long before the Temporal dev server is ready: the CLI is mid-start.
    await expect.poll(() => tcpReachable('127.0.0.1', ports.redis), { timeout: 60_000, interval: 50 }).toBe(true);
    starting.kill('SIGTERM');
    // Bounded so a CLI that swallowed the signal fails here instead of hanging the run.
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still running 90 s after SIGTERM'), 90_000)))]);
    clearTimeout(timer);
    if (starting.exitCode === null) starting.kill('SIGINT');
    expect(code, out.slice(-2000)).toBe(0);
    expect(out).toContain('stopped.');
    expect(await tcpReachable('127.0.0.1', ports.redis)).toBe(false);
  });
});

