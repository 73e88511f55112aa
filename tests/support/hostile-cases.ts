import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { signErpBody } from '../../adapters/legacy-erp/signature.js';
import { signDouyinPush } from '../../adapters/douyin/webhook.js';
import { signShopifyBody } from '../../adapters/shopify/webhook.js';
import { signYouzanPush } from '../../adapters/youzan/webhook.js';
import { packageRoot } from '../../src/util/package-info.js';
import { sfRoutePushBody, sfTime } from './fake-sf.js';

/**
 * Hostile requests for tests/hostile-suite.test.ts, as small descriptors fast-check generates and
 * shrinks; the (possibly megabyte) body is only built when the case is sent.
 */

export const PII_MARKER = 'ZSPIIMARK';
/** Both at 256 KiB: a 10^5-deep nesting (200 kB) still reaches the parsers, and at-limit bodies stay cheap to sign. */
export const LIMITS = { webhook: 256 * 1024, api: 256 * 1024 } as const;
export const CH = { shopify: 'shopify-test', youzan: 'yz-main', douyin: 'dy-main', erp: 'erp-signed', erpKeyed: 'erp-keyed' } as const;
export const SECRETS = { shopify: 'test-shopify-secret', youzanClient: 'yz-client', youzan: 'yz-secret', douyinKey: 'dy-app', douyin: 'dy-secret', erp: 'erp-secret-hostile', erpKey: 'erp-key-hostile', sfToken: 'sf-route-token-hostile-suite-0123456789' } as const;

const fixture = (p: string): unknown => JSON.parse(readFileSync(path.join(packageRoot(), 'mappings', p), 'utf8'));
// Buyer data carries the marker, so a log line quoting it is caught.
const PII_KEY = /phone|tel|email|receiver|buyer_name|address1|address2|first_name|last_name|nick|delivery_address|^address$/i;
function markPii(v: unknown, key = ''): unknown {
  if (typeof v === 'string' && PII_KEY.test(key)) return `${PII_MARKER}-${v}`;
  if (Array.isArray(v)) return v.map((x) => markPii(x));
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, markPii(x, k)]));
  return v;
}
const SEEDS = {
  shopify: markPii(fixture('shopify/__fixtures__/order.v1/paid-two-lines.input.json')),
  youzan: markPii(fixture('youzan/__fixtures__/order.v1/paid-multiline-order-discount.input.json')),
  erp: markPii(fixture('legacy-erp/__fixtures__/order.v1/paid-order-discount-allocated.input.json')),
};
/** Paths holding the order id: kept intact so every started order can be looked up. */
const ID_KEY = /^(id|tid|order_no)$/;

type Path = (string | number)[];
function leafPaths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) if (!ID_KEY.test(k)) leafPaths(x, [...at, Array.isArray(v) ? Number(k) : k], out);
  } else out.push(at);
  return out;
}
function setAt(root: unknown, p: Path, value: unknown): unknown {
  const copy: unknown = structuredClone(root);
  let node: unknown = copy;
  for (const k of p.slice(0, -1)) node = typeof node === 'object' && node !== null ? Reflect.get(node, k) : undefined;
  if (typeof node === 'object' && node !== null && p.length) Reflect.set(node, p[p.length - 1] ?? '', value);
  return copy;
}

/** Values spliced into the JSON text as written: what JSON.stringify cannot produce. */
const RAW = { BIG: '123456789012345678901234567890123', NEG_BIG: '-98765432109876543210987654321', EXP: '1e400', DEEP: `${'['.repeat(2000)}${']'.repeat(2000)}` } as const;
type RawToken = keyof typeof RAW;

const pathological = fc.oneof(
  fc.constantFrom(
    `${'a'.repeat(40)}!`,
    '$match("aaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+$/)',
    '$eval("$string(1)")',
    '[{"qty": $count([1,2])}]',
    '{"__proto__": {"polluted": true}}',
    '\u0000\u0001\u001f\u007f\u202e\ufeff',
    '\ud800',
    '🙂'.repeat(200),
    '18446744073709551617',
    '-0',
    '2026-02-30 25:61:61',
    '',
    ' ',
    '../../../../etc/passwd',
    `${'x'.repeat(100_000)}`,
  ),
  fc.string({ maxLength: 30, unit: 'binary' }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.constantFrom<RawToken>('BIG', 'NEG_BIG', 'EXP', 'DEEP').map((t) => ({ raw: t })),
);
type Mutation = [number, unknown];
const mutations = fc.array(fc.tuple(fc.nat(), pathological), { maxLength: 3 });

/** The order with hostile values at random leaves, as JSON text (raw tokens spliced in). */
function mutatedText(seed: unknown, muts: readonly Mutation[], proto: boolean): string {
  let v = seed;
  const raws: RawToken[] = [];
  for (const [at, value] of muts) {
    const paths = leafPaths(v);
    const p = paths[at % paths.length] ?? [];
    if (typeof value === 'object' && value !== null && 'raw' in value) {
      raws.push(value.raw as RawToken);
      v = setAt(v, p, `@@RAW${raws.length - 1}@@`);
    } else v = setAt(v, p, value);
  }
  let text = JSON.stringify(v);
  raws.forEach((t, i) => (text = text.replace(`"@@RAW${i}@@"`, RAW[t])));
  if (proto) text = text.replace(/^\{/, '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, ');
  return text;
}

/** What is wrong with the envelope of a request (independent of its content). */
const envelope = fc.constantFrom('ok', 'ok', 'ok', 'ok', 'ok', 'bad_sig', 'no_sig', 'old_sig', 'replay', 'wrong_type', 'bad_json', 'deep', 'invalid_utf8', 'at_limit', 'over_limit', 'not_object', 'empty');
type Envelope = 'ok' | 'bad_sig' | 'no_sig' | 'old_sig' | 'replay' | 'wrong_type' | 'bad_json' | 'deep' | 'invalid_utf8' | 'at_limit' | 'over_limit' | 'not_object' | 'empty';

export const hostileCase = fc.oneof(
  fc.record({ route: fc.constant('shopify' as const), env: envelope, muts: mutations, proto: fc.boolean(), topic: fc.constantFrom('orders/create', 'orders/create', 'orders/updated', 'orders/delete', 'app/uninstalled') }),
  fc.record({ route: fc.constant('youzan' as const), env: envelope, muts: mutations, proto: fc.boolean(), test: fc.boolean() }),
  fc.record({ route: fc.constant('douyin' as const), env: envelope, tag: fc.constantFrom('0', '100', '101', '105', '200', '999'), data: fc.oneof(fc.constant('{"p_id":"6920000000000000001","shop_id":"1"}'), fc.string({ maxLength: 40 })) }),
  fc.record({ route: fc.constant('erp' as const), env: envelope, muts: mutations, proto: fc.boolean(), type: fc.constantFrom('order.approved', 'order.approved', 'order.shipped', 'stock.changed', 'unknown.type'), keyed: fc.boolean() }),
  fc.record({ route: fc.constant('sf' as const), env: envelope, token: fc.constantFrom('right', 'right', 'wrong', 'short'), op: fc.constantFrom('50', '80', '30', 'x') }),
  fc.record({
    route: fc.constant('api' as const),
    env: envelope,
    key: fc.constantFrom('admin', 'cs', 'engineer', 'warehouse', 'finance', 'none', 'wrong'),
    target: fc.constantFrom('orders', 'order', 'cancel', 'address', 'tracking', 'quarantine', 'quarantine_item', 'quarantine_raw', 'replay', 'dry_run', 'decisions', 'decide', 'mappings', 'metrics', 'openapi', 'healthz'),
    id: fc.oneof(fc.string({ maxLength: 20 }), fc.uuid(), fc.constantFrom('shopify-test:1', 'order:x', '..%2F..', '%00', 'a'.repeat(2000))),
    query: fc.dictionary(fc.constantFrom('limit', 'channel', 'code', 'from', 'to', 'cursor', '__proto__'), fc.string({ maxLength: 30 }), { maxKeys: 3 }),
    body: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ address: fc.jsonValue({ maxDepth: 2 }), cause: fc.string(), confirm: fc.boolean(), event: fc.string(), at: fc.string() }, { requiredKeys: [] })),
  }),
);
export type HostileCase = typeof hostileCase extends fc.Arbitrary<infer T> ? T : never;

export interface Built {
  path: string;
  init: RequestInit;
  /** Where a 2xx must have started a workflow (by its order id) or kept a quarantine entry (by delivery id). */
  expectOrder?: { workflowId: string; deliveryId: string | null; channel: string };
}

const API_KEYS: Record<string, string | undefined> = { admin: 'test-admin-key', cs: 'test-cs-key', engineer: 'test-engineer-key', warehouse: 'test-warehouse-key', finance: 'test-finance-key', none: undefined, wrong: 'not-a-key' };
const enc = new TextEncoder();

/** The body text for an envelope that replaces the content. */
function envelopeBody(env: Envelope, content: string, limit: number): string | Uint8Array {
  switch (env) {
    case 'bad_json':
      return `${content.slice(0, Math.max(1, content.length >> 1))}`;
    case 'deep':
      return `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    case 'invalid_utf8':
      return new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x3a, 0xed, 0xa0, 0x80, 0x7d]);
    case 'at_limit':
      return content.length >= limit ? content : `${content}${' '.repeat(limit - enc.encode(content).length)}`;
    case 'over_limit':
      return `${content}${' '.repeat(Math.max(1, limit + 1 - enc.encode(content).length))}`;
    case 'not_object':
      return '[1, "two", null]';
    case 'empty':
      return '';
    default:
      return content;
  }
}

let serial = 0;
/** A fresh order id per case: ids beyond 2^53, never two alike in a run. */
const freshId = () => `9${Date.now()}${String(++serial).padStart(6, '0')}`;
const replays = new Map<string, Built>();

/** Turns a descriptor into a request; `replay` resends the last request of the same route. */
export function build(c: HostileCase): Built {
  if (c.env === 'replay') {
    const prev = replays.get(c.route);
    if (prev) return { path: prev.path, init: prev.init };
  }
  const b = buildFresh(c);
  if (c.env === 'ok') replays.set(c.route, { path: b.path, init: b.init });
  return b;
}

function contentType(env: Envelope): string {
  return env === 'wrong_type' ? 'text/plain; charset=latin1' : 'application/json';
}

function buildFresh(c: HostileCase): Built {
  const ts = Math.floor(Date.now() / 1000) - (c.env === 'old_sig' ? 3600 : 0);
  switch (c.route) {
    case 'shopify': {
      const id = freshId();
      const content = mutatedText(setAt(SEEDS.shopify, ['id'], '@@ID@@'), c.muts, c.proto).replace('"@@ID@@"', id);
      const body = envelopeBody(c.env, content, LIMITS.webhook);
      const sig = c.env === 'bad_sig' ? signShopifyBody(typeof body === 'string' ? body : Buffer.from(body), 'wrong') : signShopifyBody(typeof body === 'string' ? body : Buffer.from(body), SECRETS.shopify);
      const headers: Record<string, string> = { 'content-type': contentType(c.env), 'x-shopify-topic': c.topic, 'x-shopify-shop-domain': 'zhongshu-test.myshopify.com', 'x-shopify-webhook-id': `wh-${id}` };
      if (c.env !== 'no_sig') headers['x-shopify-hmac-sha256'] = sig;
      return { path: '/webhooks/shopify', init: { method: 'POST', body, headers }, expectOrder: { workflowId: `order:${CH.shopify}:${id}`, deliveryId: `wh-${id}`, channel: CH.shopify } };
    }
    case 'youzan': {
      const tid = `E${freshId()}`;
      const order = mutatedText(setAt(SEEDS.youzan, ['full_order_info', 'order_info', 'tid'], tid), c.muts, c.proto);
      const msg = encodeURIComponent(order);
      const sign = signYouzanPush(SECRETS.youzanClient, msg, c.env === 'bad_sig' ? 'wrong' : SECRETS.youzan);
      const push = JSON.stringify({ client_id: SECRETS.youzanClient, id: tid, kdt_id: 12345, type: 'trade_TradePaid', status: 'WAIT_SELLER_SEND_GOODS', msg, msg_id: `m-${tid}`, version: 1, sendCount: 0, test: c.test, ...(c.env === 'no_sig' ? {} : { sign }) });
      const body = envelopeBody(c.env, push, LIMITS.webhook);
      return { path: `/webhooks/youzan/${CH.youzan}`, init: { method: 'POST', body, headers: { 'content-type': contentType(c.env) } }, ...(c.test ? {} : { expectOrder: { workflowId: `order:${CH.youzan}:${tid}`, deliveryId: `m-${tid}`, channel: CH.youzan } }) };
    }
    case 'douyin': {
      const push = JSON.stringify([{ tag: c.tag, msg_id: `dy-${freshId()}`, data: c.data }]);
      const body = envelopeBody(c.env, push, LIMITS.webhook);
      const raw = typeof body === 'string' ? enc.encode(body) : body;
      const headers: Record<string, string> = { 'content-type': contentType(c.env), 'app-id': SECRETS.douyinKey };
      if (c.env !== 'no_sig') headers['event-sign'] = signDouyinPush(raw, SECRETS.douyinKey, c.env === 'bad_sig' ? 'wrong' : SECRETS.douyin);
      return { path: `/webhooks/douyin/${CH.douyin}`, init: { method: 'POST', body, headers } };
    }
    case 'erp': {
      const orderNo = `SO${freshId()}`;
      const row = JSON.parse(mutatedText(setAt(SEEDS.erp, ['order_no'], orderNo), c.muts, false).replace(/"@@RAW\d+@@"/g, '0')) as unknown;
      const data = c.type === 'order.approved' ? { order: row } : c.type === 'order.shipped' ? { order_no: orderNo, tracking_no: `SF${serial}`, carrier: 'SF' } : { items: [{ sku: 'A', qty: 1 }] };
      const event = mutatedText({ id: `evt-${freshId()}`, type: c.type, occurredAt: new Date().toISOString(), data }, c.type === 'order.approved' ? [] : c.muts, c.proto);
      const body = envelopeBody(c.env, event, LIMITS.webhook);
      const raw = typeof body === 'string' ? enc.encode(body) : body;
      const channel = c.keyed ? CH.erpKeyed : CH.erp;
      const headers: Record<string, string> = { 'content-type': contentType(c.env) };
      if (c.env !== 'no_sig') {
        if (c.keyed) headers['x-api-key'] = c.env === 'bad_sig' ? 'wrong-key' : SECRETS.erpKey;
        else {
          headers['x-zhongshu-timestamp'] = String(ts);
          headers['x-zhongshu-signature'] = signErpBody(c.env === 'bad_sig' ? 'wrong' : SECRETS.erp, String(ts), raw);
        }
      }
      return { path: `/webhooks/legacy-erp/${channel}`, init: { method: 'POST', body, headers } };
    }
    case 'sf': {
      const token = c.token === 'right' ? SECRETS.sfToken : c.token === 'short' ? 'abc' : `${SECRETS.sfToken.slice(0, -1)}x`;
      const push = sfRoutePushBody([{ mailno: `SF${freshId()}`, opCode: c.op, acceptTime: sfTime(new Date()) }]);
      return { path: `/webhooks/sf-express/routes/${token}`, init: { method: 'POST', body: envelopeBody(c.env, push, LIMITS.webhook), headers: { 'content-type': contentType(c.env) } } };
    }
    case 'api': {
      const id = encodeURIComponent(c.id) || 'x';
      const key = API_KEYS[c.key];
      const headers: Record<string, string> = { 'content-type': contentType(c.env), ...(key ? { authorization: `Bearer ${key}` } : {}) };
      const q = new URLSearchParams(Object.entries(c.query)).toString();
      const body = envelopeBody(c.env, JSON.stringify(c.body) ?? 'null', LIMITS.api);
      const post = (p: string): Built => ({ path: p, init: { method: 'POST', body, headers } });
      const get = (p: string): Built => ({ path: p, init: { method: 'GET', headers } });
      switch (c.target) {
        case 'orders': return get(`/api/orders?${q}`);
        case 'order': return get(`/api/orders/${id}`);
        case 'cancel': return post(`/api/orders/${id}/cancel`);
        case 'address': return post(`/api/orders/${id}/address`);
        case 'tracking': return post(`/api/orders/${id}/tracking`);
        case 'quarantine': return get(`/api/quarantine?${q}`);
        case 'quarantine_item': return get(`/api/quarantine/${id}`);
        case 'quarantine_raw': return get(`/api/quarantine/${id}/raw`);
        case 'replay': return post(`/api/quarantine/${id}/replay`);
        case 'dry_run': return post(`/api/mappings/${c.id.length % 2 ? 'shopify/order.v1' : `legacy-erp/${id}`}/dry-run`);
        case 'decisions': return get('/api/decisions');
        case 'decide': return post(`/api/decisions/${id}`);
        case 'mappings': return get('/api/mappings');
        case 'metrics': return get('/metrics');
        case 'openapi': return get('/openapi.json');
        default: return get('/healthz');
      }
    }
  }
}
