import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AdapterInstance, WebhookEvent } from '../../src/sdk/define.js';

/**
 * Stands in for the hub's webhook routes in a platform sandbox's unit test: every POST is
 * verified and parsed by the real adapter (verifyWebhook / parseWebhook), answered 401 when the
 * adapter refuses it and with `ack` otherwise, and kept for the test to read.
 */
export interface WebhookReceiver {
  url: string;
  received: { path: string; headers: Record<string, string | undefined>; events: WebhookEvent[] }[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(adapter: () => Promise<AdapterInstance>, ack: unknown = { code: 0, msg: 'success' }): Promise<WebhookReceiver> {
  const received: WebhookReceiver['received'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      adapter()
        .then((a) => {
          const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
          const raw = { headers, rawBody: new Uint8Array(Buffer.concat(chunks)), query: Object.fromEntries(new URL(req.url ?? '/', 'http://receiver').searchParams) };
          const verdict = a.verifyWebhook?.(raw) ?? { ok: false, reason: 'adapter takes no webhooks' };
          if (!verdict.ok) return res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify(verdict));
          received.push({ path: req.url ?? '', headers, events: a.parseWebhook?.(raw) ?? [] });
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(ack));
        })
        .catch((err: unknown) => res.writeHead(500).end(String(err)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
