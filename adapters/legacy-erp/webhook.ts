import { formatPath } from '../../src/config/load.js';
import { ErpEventEnvelope } from '../../src/legacy-erp/events.js';
import type { WebhookEvent } from '../../src/sdk/define.js';
import { parseJsonSafe } from '../../src/util/json.js';

/**
 * The SDK's view of an ERP webhook: one event per body, deduplicated by the ERP's event id.
 * The hub's ERP route reads the same envelope; this lets the partner contract kit and any
 * generic consumer of `order.webhook` see ERP events like any platform's.
 */
export function parseErpEvent(rawBody: Uint8Array): WebhookEvent[] {
  let body: unknown;
  try {
    body = parseJsonSafe(new TextDecoder().decode(rawBody));
  } catch {
    throw new Error('legacy-erp: body is not JSON');
  }
  const r = ErpEventEnvelope.safeParse(body);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new Error(`legacy-erp: ${first ? `body.${formatPath(first.path)}: ${first.message}` : 'invalid event envelope'}`);
  }
  const e = r.data;
  const order = e.data['order'];
  const orderNo = e.data['order_no'] ?? (typeof order === 'object' && order !== null && 'order_no' in order ? order.order_no : undefined);
  return [{ messageId: e.id, topic: e.type, orderId: orderNo === undefined || orderNo === null ? null : String(orderNo), payload: e }];
}
