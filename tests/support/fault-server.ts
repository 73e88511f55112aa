import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the server answers the next requests; switch it at any time with `setMode`. */
export const FAULT = {
  OK: 'ok',
  /** 504 Gateway Timeout: the classic upstream outage. */
  STATUS_504: 'status_504',
  /** Never answers: the client's deadline must abort and close the socket. */
  SLOW: 'slow',
  /** Destroys the socket without a response. */
  RESET: 'reset',
  /** 200 with a body that is not JSON. */
  MALFORMED: 'malformed',
  /** 429 with Retry-After in seconds. */
  RATE_LIMITED: 'rate_limited',
} as const;
export type Fault = (typeof FAULT)[keyof typeof FAULT];

export interface SeenRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  mode: Fault;
}

export interface FaultServer {
  url: string;
  setMode(mode: Fault): void;
  /** Every request received, with the mode it met. */
  readonly requests: SeenRequest[];
  /** Requests answered 200 with a JSON body, by path (what the system "did"). */
  served(path: string): number;
  /** Held (SLOW) requests whose client closed the connection before any answer. */
  readonly abandoned: number;
  close(): Promise<void>;
}

/**
 * A local stand-in for a partner API that fails on demand, so resilience is tested against real
 * sockets: the breaker sees real 504s, the deadline really closes a connection.
 */
export async function startFaultServer(opts: { retryAfterSeconds?: number } = {}): Promise<FaultServer> {
  let mode: Fault = FAULT.OK;
  const requests: SeenRequest[] = [];
  const servedByPath = new Map<string, number>();
  let abandoned = 0;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const key = req.headers['idempotency-key'];
    requests.push({ method: req.method ?? 'GET', path, idempotencyKey: typeof key === 'string' ? key : null, mode });
    req.resume();
    switch (mode) {
      case FAULT.OK: {
        const n = (servedByPath.get(path) ?? 0) + 1;
        servedByPath.set(path, n);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path, n }));
        return;
      }
      case FAULT.STATUS_504:
        res.writeHead(504, { 'content-type': 'text/plain' }).end('gateway timeout');
        return;
      case FAULT.SLOW:
        res.on('close', () => {
          if (!res.writableEnded) abandoned++;
        });
        return;
      case FAULT.RESET:
        req.socket.destroy();
        return;
      case FAULT.MALFORMED:
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"path": ');
        return;
      case FAULT.RATE_LIMITED:
        res.writeHead(429, { 'retry-after': String(opts.retryAfterSeconds ?? 2), 'content-type': 'text/plain' }).end('slow down');
        return;
    }
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr: AddressInfo | string | null = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    setMode: (m) => {
      mode = m;
    },
    requests,
    served: (path) => servedByPath.get(path) ?? 0,
    get abandoned() {
      return abandoned;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
