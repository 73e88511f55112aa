/**
 * Helpers for sandbox tests (imported only by *.test.ts): adapter deps with the real fetch, an
 * invoke context, and a stand-in of the hub's push receivers that records what arrives.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createLogger } from '../logger.js';
import type { AdapterDeps, InvokeContext } from '../sdk/define.js';

export function sandboxDeps(now: () => Date = () => new Date()): AdapterDeps {
  return { logger: createLogger({ level: 'silent' }), fetch: (input, init) => globalThis.fetch(input, init), mappings: null, now };
}

export function sandboxCtx(idempotencyKey: string): InvokeContext {
  return { signal: new AbortController().signal, idempotencyKey, logger: createLogger({ level: 'silent' }), heartbeat() {} };
}

export interface ReceivedPush {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface HubStub {
  url: string;
  received: ReceivedPush[];
  /** What the next pushes get; by default 200 with `{}`. */
  answer(fn: (p: ReceivedPush) => { status: number; body: unknown; headers?: Record<string, string> }): void;
  close(): Promise<void>;
}

/** A bare HTTP receiver on 127.0.0.1 that keeps every push: the test then parses them with the hub's own parser. */
export async function startHubStub(): Promise<HubStub> {
  const received: ReceivedPush[] = [];
  let answer: (p: ReceivedPush) => { status: number; body: unknown; headers?: Record<string, string> } = () => ({ status: 200, body: {} });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const p: ReceivedPush = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(p);
      const a = answer(p);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('hub stub: no TCP address');
  return {
    url: `http://127.0.0.1:${addr.port}`,
    received,
    answer(fn) {
      answer = fn;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
