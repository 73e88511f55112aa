import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { AdapterDeps, AdapterInstance, InvokeContext } from '../../src/sdk/define.js';
import { AdapterError, isRetryableStatus } from '../../src/sdk/errors.js';
import type { AcmeConfig } from './index.js';

/** X-Acme-Signature: hex HMAC-SHA256(apiKey, timestamp + "\n" + body). */
export function acmeSignature(apiKey: string, timestamp: string, body: string): string {
  return createHmac('sha256', apiKey).update(`${timestamp}\n${body}`).digest('hex');
}

const PushInput = z.object({
  orderKey: z.string(),
  order: z.object({ lines: z.array(z.object({ lineId: z.string(), merchantSku: z.string().nullable(), quantity: z.number().int(), gift: z.object({ labelPosition: z.string().nullable() }).optional() })) }),
});
const PushReply = z.object({ ok: z.literal(true), outboundId: z.string(), code: z.string() });
const StockInput = z.object({ skus: z.array(z.string()).min(1) });
const StockReply = z.object({ items: z.array(z.object({ sku: z.string(), onHand: z.number().int() })) });
const ErrorReply = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export function createAcmeClient(config: AcmeConfig, deps: AdapterDeps): AdapterInstance {
  const call = async (path: string, body: unknown, ctx: InvokeContext): Promise<unknown> => {
    // One token of the hub's shared rate limit per request, named by the API (its quota's key).
    // Optional: without it the hub limits each invoke as one request.
    await ctx.rateLimit?.(path);
    const text = JSON.stringify(body);
    const ts = deps.now().toISOString();
    let res: Response;
    try {
      res = await deps.fetch(`${config.baseUrl}${path}`, {
        method: 'POST',
        body: text,
        headers: { 'content-type': 'application/json', 'x-acme-timestamp': ts, 'x-acme-signature': acmeSignature(config.apiKey, ts, text), 'idempotency-key': ctx.idempotencyKey },
        // A fresh signal per call: the attempt's cancellation plus our own timeout.
        signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(config.timeoutMs)]),
      });
    } catch (err) {
      throw AdapterError.retryable('acme-wms', 'unreachable', err instanceof Error ? err.message : String(err));
    }
    const json: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const e = ErrorReply.safeParse(json);
      const msg = e.success ? `${e.data.error.code}: ${e.data.error.message}` : `HTTP ${res.status}`;
      if (isRetryableStatus(res.status)) throw AdapterError.retryable('acme-wms', `http_${res.status}`, msg, { status: res.status });
      throw AdapterError.rejected('acme-wms', e.success ? e.data.error.code : `http_${res.status}`, msg, { status: res.status });
    }
    return json;
  };
  return {
    async testConnection() {
      return { ok: true, detail: config.baseUrl };
    },
    async invoke(capability, input, ctx) {
      if (capability === 'wms.order.push') {
        const i = PushInput.parse(input);
        const reply = PushReply.parse(
          await call('/outbound', { reference: ctx.idempotencyKey, warehouse: config.warehouse, lines: i.order.lines.map((l) => ({ sku: l.merchantSku, qty: l.quantity, label: l.gift?.labelPosition ?? null })) }, ctx),
        );
        return { outboundId: reply.outboundId, feedbackCode: reply.code };
      }
      if (capability === 'stock.query') {
        const i = StockInput.parse(input);
        return StockReply.parse(await call('/stock', { warehouse: config.warehouse, skus: i.skus }, ctx)).items;
      }
      throw AdapterError.rejected('acme-wms', 'unsupported', `capability ${capability} is not offered`);
    },
    async close() {},
  };
}
