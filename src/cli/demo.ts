import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { signShopifyBody } from '../../adapters/shopify/webhook.js';
import { loadConfigFile } from '../config/load.js';
import type { ChannelConfig, HubConfig } from '../config/schema.js';
import { packageRoot } from '../util/package-info.js';
import { errorMessage } from '../util/errors.js';

const SAMPLE = 'mappings/shopify/__fixtures__/order.v1/paid-two-lines.input.json';

/**
 * Sends Shopify's documented orders/create sample, signed like Shopify does, with fresh order ids;
 * then one redelivery and one badly signed copy, so a new user sees 200, duplicate and 401.
 */
export async function sendDemoTraffic(baseUrl: string, channel: ChannelConfig, count: number, print: (line: string) => void): Promise<{ accepted: string[] }> {
  const sample = await readFile(path.join(packageRoot(), SAMPLE), 'utf8');
  const accepted: string[] = [];
  const post = async (body: string, webhookId: string, secret: string) => {
    const res = await fetch(`${baseUrl}/webhooks/shopify`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/create',
        'x-shopify-shop-domain': channel.shop,
        'x-shopify-webhook-id': webhookId,
        'x-shopify-hmac-sha256': signShopifyBody(body, secret),
      },
    });
    return { status: res.status, body: await res.text() };
  };
  const base = Date.now();
  let first: { body: string; id: string } | undefined;
  for (let i = 0; i < count; i++) {
    const orderId = `7${base}${String(i).padStart(3, '0')}`;
    const body = sample.replace('"id": 820982911946154508,', `"id": ${orderId},`).replace('"name": "#9999"', `"name": "#D${i + 1}"`);
    const webhookId = `demo-${orderId}`;
    first ??= { body, id: webhookId };
    const r = await post(body, webhookId, channel.secret ?? '');
    print(`order ${orderId}: HTTP ${r.status} ${r.body}`);
    if (r.status === 200) accepted.push(`${channel.id}:${orderId}`);
  }
  if (first) {
    const dup = await post(first.body, first.id, channel.secret ?? '');
    print(`redelivery of the first order: HTTP ${dup.status} ${dup.body}`);
    const bad = await post(first.body, 'demo-bad-signature', 'wrong-secret');
    print(`badly signed copy: HTTP ${bad.status} ${bad.body}`);
  }
  return { accepted };
}

export function demoChannel(config: HubConfig): ChannelConfig {
  const ch = config.channels.find((c) => c.adapter === 'shopify' && c.enabled);
  if (!ch) throw new Error('no enabled shopify channel in config: the demo sends Shopify orders');
  return ch;
}

export async function demoSendCommand(o: { config: string; url?: string; count: string }): Promise<number> {
  const config = await loadConfigFile(o.config);
  const url = o.url ?? `http://${config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host}:${config.server.port}`;
  try {
    const r = await sendDemoTraffic(url, demoChannel(config), Number(o.count) || 3, (l) => process.stdout.write(`${l}\n`));
    process.stdout.write(`accepted ${r.accepted.length} order(s); see them with: curl -H "Authorization: Bearer $ZHONGSHU_ADMIN_KEY" ${url}/api/orders/${r.accepted[0] ?? '<orderKey>'}\n`);
    return r.accepted.length ? 0 : 1;
  } catch (err) {
    process.stderr.write(`cannot reach the hub at ${url}: ${errorMessage(err)}\n`);
    return 1;
  }
}
