import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Capability } from '../sdk/capabilities.js';

/**
 * The sandbox: a local stand-in for each external system, speaking its documented wire format
 * (signatures and error bodies included), keeping what it received in memory for tests and the
 * simulator, and failing on demand. One shape for every system: a built-in adapter ships
 * `adapters/<id>/sandbox.ts` exporting a SandboxDefinition; a partner's adapter may ship one too.
 */

/** How a system answers while the fault is on; every mode also honours `latencyMs`. */
export const SANDBOX_FAULT = {
  NONE: 'none',
  /** 5xx on every request (status from `status`, default 503). */
  SERVER_ERROR: 'server_error',
  /** 504 Gateway Timeout on every request: the classic WMS storm. */
  GATEWAY_TIMEOUT: 'gateway_timeout',
  /** 429 with Retry-After (`retryAfterSeconds`). */
  RATE_LIMITED: 'rate_limited',
  /** Never answers: the client's deadline must abort. */
  HANG: 'hang',
  /** 200 with a body that is not valid JSON. */
  MALFORMED: 'malformed',
  /** The system's own "bad signature" error (its documented code), as if the keys did not match. */
  BAD_SIGNATURE: 'bad_signature',
} as const;
export type SandboxFaultMode = (typeof SANDBOX_FAULT)[keyof typeof SANDBOX_FAULT];

export interface SandboxFaults {
  mode: SandboxFaultMode;
  /** Added before every answer (also while mode is none). */
  latencyMs: number;
  status: number;
  retryAfterSeconds: number;
  /** Requests still to fail before the fault switches itself off; null: until switched off. */
  remaining: number | null;
}

export const NO_FAULTS: SandboxFaults = { mode: SANDBOX_FAULT.NONE, latencyMs: 0, status: 503, retryAfterSeconds: 1, remaining: null };

/** One thing a system received or did, in order. `kind` is the system's own vocabulary (e.g. `waybill.create`). */
export interface SandboxEvent {
  seq: number;
  at: string;
  system: string;
  kind: string;
  /** What identifies it: order id, waybill number, SKU... */
  key: string | null;
  data: unknown;
}

/** Append-only record of what a system saw; the simulator's invariants read it. */
export class SandboxLog {
  private seq = 0;
  readonly events: SandboxEvent[] = [];
  constructor(
    readonly system: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}
  record(kind: string, key: string | null, data: unknown): SandboxEvent {
    const e: SandboxEvent = { seq: ++this.seq, at: this.clock().toISOString(), system: this.system, kind, key, data };
    this.events.push(e);
    return e;
  }
  of(kind: string): SandboxEvent[] {
    return this.events.filter((e) => e.kind === kind);
  }
  count(kind: string): number {
    return this.of(kind).length;
  }
}

/** A request as a sandbox handler sees it: the raw body is kept so signatures can be checked. */
export interface SandboxRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Readonly<Record<string, string | undefined>>;
  rawBody: Buffer;
  /** The body as text (UTF-8). */
  text: string;
  /** Aborted when the client goes away before it is answered (a held call whose caller died). */
  signal: AbortSignal;
}

export interface SandboxResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON. */
  body: unknown;
}

export type SandboxHandler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

/** One request as it reached the server, faulted ones included, with what it was answered. */
export interface SandboxArrival {
  at: string;
  method: string;
  path: string;
  /** `HTTP <status>`, `hang`, `malformed`, `lost` (the client left first); null while not yet answered. */
  answer: string | null;
}

export interface SandboxServer {
  readonly url: string;
  /**
   * Every request in arrival order, recorded before any latency or fault: what a test counts when
   * it asks "did the system see the call" while the answer is held or faulted.
   */
  readonly arrivals: readonly SandboxArrival[];
  readonly faults: SandboxFaults;
  setFaults(f: Partial<SandboxFaults>): void;
  /** Requests answered so far, whatever the answer (faults included). */
  readonly requestCount: number;
  close(): Promise<void>;
}

/**
 * Serves `handler` on 127.0.0.1 with fault switches in front of it. BAD_SIGNATURE is the
 * system's business, not the server's: each system answers it with its own code, keeping its
 * own count (src/sandbox/signature-fault.ts, platform-kit.ts), since the server counts a fault
 * down before the handler runs.
 */
export async function startSandboxServer(opts: { port?: number; host?: string; handler: SandboxHandler; maxBodyBytes?: number }): Promise<SandboxServer> {
  let faults: SandboxFaults = { ...NO_FAULTS };
  let requestCount = 0;
  const arrivals: SandboxArrival[] = [];
  const hanging = new Set<ServerResponse>();
  const maxBody = opts.maxBodyBytes ?? 8 * 1024 * 1024;

  const send = (res: ServerResponse, r: SandboxResponse) => {
    const isText = typeof r.body === 'string' || Buffer.isBuffer(r.body);
    const body = isText ? (r.body as string | Buffer) : JSON.stringify(r.body);
    res.writeHead(r.status ?? 200, { 'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', ...r.headers }).end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      const b = Buffer.isBuffer(c) ? c : Buffer.from(String(c));
      size += b.length;
      if (size > maxBody) {
        send(res, { status: 413, body: { error: 'body too large' } });
        return;
      }
      chunks.push(b);
    }
    requestCount++;
    const arrival: SandboxArrival = { at: new Date().toISOString(), method: req.method ?? 'GET', path: new URL(req.url ?? '/', 'http://sandbox').pathname, answer: null };
    arrivals.push(arrival);
    res.on('close', () => {
      arrival.answer ??= res.writableEnded ? `HTTP ${res.statusCode}` : 'lost';
    });
    const f = faults;
    if (f.remaining !== null && f.mode !== SANDBOX_FAULT.NONE) {
      faults = f.remaining <= 1 ? { ...f, mode: SANDBOX_FAULT.NONE, remaining: null } : { ...f, remaining: f.remaining - 1 };
    }
    if (f.latencyMs > 0) await new Promise((r) => setTimeout(r, f.latencyMs));
    switch (f.mode) {
      case SANDBOX_FAULT.SERVER_ERROR:
        return send(res, { status: f.status, body: 'service unavailable' });
      case SANDBOX_FAULT.GATEWAY_TIMEOUT:
        return send(res, { status: 504, body: 'gateway timeout' });
      case SANDBOX_FAULT.RATE_LIMITED:
        return send(res, { status: 429, headers: { 'retry-after': String(f.retryAfterSeconds) }, body: 'too many requests' });
      case SANDBOX_FAULT.HANG:
        arrival.answer = 'hang';
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      case SANDBOX_FAULT.MALFORMED:
        arrival.answer = 'malformed';
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"truncated": ');
        return;
      default:
        break;
    }
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const rawBody = Buffer.concat(chunks);
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableEnded) gone.abort();
    });
    const answer = await opts.handler({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, rawBody, text: rawBody.toString('utf8'), signal: gone.signal });
    if (!gone.signal.aborted) send(res, answer);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A handler bug answers 500 like a real system would; it never takes the sandbox down.
      if (!res.headersSent) send(res, { status: 500, body: { error: err instanceof Error ? err.message : String(err) } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${addr.port}`,
    get faults() {
      return faults;
    },
    setFaults(f) {
      faults = { ...faults, ...f };
    },
    get requestCount() {
      return requestCount;
    },
    arrivals,
    async close() {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Where a running sandbox system sends what it pushes (webhooks, route pushes): the hub's base URL. */
export interface SandboxPushTarget {
  hubUrl: string;
}

/** A running stand-in of one system. Extras (e.g. `pushRoute`, `placeOrder`) live on the system's own type. */
export interface SandboxSystem {
  readonly adapter: string;
  readonly server: SandboxServer;
  readonly log: SandboxLog;
  /** The `connectors[].config` block that points the adapter at this sandbox (no real secrets). */
  connectorConfig(): Record<string, unknown>;
  /** Plain-JSON view of the system's state (orders, waybills, stock...). */
  state(): unknown;
  close(): Promise<void>;
}

export interface SandboxStartOptions {
  port?: number;
  /** The hub, for systems that push (platform webhooks, courier route pushes). */
  push?: SandboxPushTarget;
  clock?: () => Date;
}

/**
 * One capability call the contract kit makes against a running sandbox, with the sandbox's own
 * verdict on the answer (it knows what it was asked to hold): a problem, or null when right.
 */
export interface SandboxContractCall {
  capability: Capability;
  input: unknown;
  check?(output: unknown): string | null | Promise<string | null>;
}

/** What `adapters/<id>/sandbox.ts` exports as `sandbox`. */
export interface SandboxDefinition<S extends SandboxSystem = SandboxSystem> {
  adapter: string;
  start(opts?: SandboxStartOptions): Promise<S>;
  /**
   * Seeds the running system (orders, listings) and says which calls prove each capability the
   * adapter declares; the contract kit (zhongshu/testing) makes them over real HTTP. Called
   * before connectorConfig(), so listings it creates are in the config.
   */
  contract?(system: S): SandboxContractCall[] | Promise<SandboxContractCall[]>;
}
