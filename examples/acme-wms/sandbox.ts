import { z } from 'zod';
import { SandboxLog, startSandboxServer, type SandboxDefinition, type SandboxRequest, type SandboxResponse, type SandboxStartOptions, type SandboxSystem } from '../../src/sandbox/core.js';
import { signatureFaultGate } from '../../src/sandbox/signature-fault.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import { parseJsonSafe } from '../../src/util/json.js';
import { ADAPTER_ID, acmeSignature } from './transport.js';

/**
 * Acme's API on 127.0.0.1, as a partner ships it beside the adapter: the signature checked (a bad
 * one, or the BAD_SIGNATURE fault, answers 401 with Acme's error body), outbound orders kept by
 * reference (a repeated reference returns the first outbound), stock set with setStock().
 */
export interface AcmeSandboxOptions extends SandboxStartOptions {
  apiKey?: string;
}

export interface AcmeSandboxState {
  outbound: { outboundId: string; reference: string; lines: unknown }[];
  stock: Record<string, number>;
}

export interface AcmeSandbox extends SandboxSystem {
  setStock(sku: string, onHand: number): void;
  state(): AcmeSandboxState;
}

const OutboundBody = z.object({ reference: z.string().min(1), lines: z.array(z.unknown()) });
const StockBody = z.object({ skus: z.array(z.string()) });

const err = (status: number, code: string, message: string): SandboxResponse => ({ status, body: { error: { code, message } } });

async function start(opts: AcmeSandboxOptions = {}): Promise<AcmeSandbox> {
  const apiKey = opts.apiKey ?? 'sandbox-acme-key';
  const log = new SandboxLog(ADAPTER_ID, opts.clock);
  const outbound = new Map<string, { outboundId: string; reference: string; lines: unknown }>();
  const stock = new Map<string, number>();

  function handle(req: SandboxRequest): SandboxResponse {
    if (req.method !== 'POST') return err(405, 'method_not_allowed', 'POST only');
    const ts = req.headers['x-acme-timestamp'] ?? '';
    if (gate.badSignature() || req.headers['x-acme-signature'] !== acmeSignature(apiKey, ts, req.text)) return err(401, 'bad_signature', 'signature mismatch');
    let body: unknown;
    try {
      body = parseJsonSafe(req.text);
    } catch {
      return err(400, 'bad_json', 'body is not JSON');
    }
    if (req.path === '/outbound') {
      const b = OutboundBody.safeParse(body);
      if (!b.success) return err(400, 'bad_request', `body: ${b.error.issues[0]?.path.join('.') ?? ''} ${b.error.issues[0]?.message ?? ''}`);
      const known = outbound.get(b.data.reference);
      const o = known ?? { outboundId: `OB-${outbound.size + 1}`, reference: b.data.reference, lines: b.data.lines };
      outbound.set(o.reference, o);
      if (!known) log.record('outbound.created', o.outboundId, { reference: o.reference });
      return { body: { ok: true, outboundId: o.outboundId, code: 'ACCEPTED' } };
    }
    if (req.path === '/stock') {
      const b = StockBody.safeParse(body);
      if (!b.success) return err(400, 'bad_request', 'body: skus must be a list of SKUs');
      return { body: { items: b.data.skus.map((sku) => ({ sku, onHand: stock.get(sku) ?? 0 })) } };
    }
    return err(404, 'not_found', `no API ${req.path}`);
  }

  const gate = signatureFaultGate(await startSandboxServer({ port: opts.port, handler: handle }));
  const server = gate.server;
  return {
    adapter: ADAPTER_ID,
    server,
    log,
    connectorConfig: () => ({ baseUrl: server.url, apiKey }),
    setStock: (sku, onHand) => void stock.set(sku, onHand),
    state: () => ({ outbound: [...outbound.values()], stock: Object.fromEntries(stock) }),
    close: () => server.close(),
  };
}

export const sandbox = {
  adapter: ADAPTER_ID,
  start,
  /** What the contract kit calls: one outbound order, then the stock of its SKU. */
  contract(system: AcmeSandbox) {
    system.setStock('ACME-SKU', 7);
    return [
      {
        capability: CAPABILITY.WMS_ORDER_PUSH,
        input: { orderKey: 'contract:1', order: { lines: [{ lineId: '1', merchantSku: 'ACME-SKU', quantity: 2 }] } },
        check: () => (system.state().outbound.length === 1 ? null : 'the sandbox holds no outbound order'),
      },
      {
        capability: CAPABILITY.STOCK_QUERY,
        input: { skus: ['ACME-SKU'] },
        check: (out: unknown) => (JSON.stringify(out) === '[{"sku":"ACME-SKU","onHand":7}]' ? null : `stock.query answered ${JSON.stringify(out)}, not ACME-SKU 7`),
      },
    ];
  },
} satisfies SandboxDefinition<AcmeSandbox>;
