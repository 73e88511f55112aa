// Section F's input: a month of generated canonical orders as JSON lines, written as a stream.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { CanonicalOrder } from '../src/canonical/order.js';

const PLATFORMS = ['taobao', 'tmall', 'jd', 'pinduoduo', 'douyin'] as const;

/** mulberry32: a small seeded PRNG, so every run exports the same month. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso8 = (ms: number) => `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;

/**
 * n orders paid in November 2026 (+08:00; 2 % in late October), 1-3 lines each, a third with the
 * discount split reported, a quarter with reported fees, 8 % with a refund up to 10 days later
 * (so some land in December), buyer fields masked as a platform sends them.
 */
export async function writeMonthOrders(file: string, n: number, seed = 16): Promise<number> {
  const rnd = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const out = createWriteStream(file);
  const novStart = Date.parse('2026-11-01T00:00:00+08:00');
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const platform = PLATFORMS[i % PLATFORMS.length] ?? 'taobao';
    const shop = `${platform}-shop-${int(1, 4)}`;
    const paidMs = rnd() < 0.02 ? novStart - int(1, 5 * 86_400) * 1000 : novStart + int(0, 30 * 86_400 - 1) * 1000;
    const lineCount = int(1, 3);
    const lines: CanonicalOrder['lines'] = [];
    let goods = 0;
    for (let l = 0; l < lineCount; l++) {
      const qty = int(1, 3);
      const unit = int(990, 29_900);
      goods += unit * qty;
      lines.push({
        lineId: `${i}-${l}`,
        merchantSku: `SKU-${int(1, 500)}`,
        title: '智能饮水机滤芯',
        quantity: qty,
        unitPrice: { minor: unit, currency: 'CNY' },
        lineTotal: { minor: unit * qty, currency: 'CNY' },
        discount: { minor: 0, currency: 'CNY' },
        refundStatus: 'none',
      });
    }
    const freight = rnd() < 0.3 ? 1000 : 0;
    const discount = Math.floor(goods * int(0, 20) / 100);
    const first = lines[0];
    if (first) first.discount = { minor: discount, currency: 'CNY' };
    const paid = goods + freight - discount;
    if (first && rnd() < 0.08) {
      const amount = Math.max(1, Math.floor(first.lineTotal.minor / 2));
      first.refundStatus = 'partially_refunded';
      first.refunds = [{ refundId: `R${i}`, amount: { minor: amount, currency: 'CNY' }, refundedAt: iso8(paidMs + int(3600, 10 * 86_400) * 1000) }];
    }
    const platformPart = Math.floor(discount / 3);
    const order: CanonicalOrder = {
      schemaVersion: 1,
      source: { platform, channel: `${platform}-main`, shop, platformOrderId: `${platform.toUpperCase()}-${100_000_000 + i}`, receivedAt: iso8(paidMs + 5000) },
      status: 'paid',
      platformStatus: 'WAIT_SELLER_SEND_GOODS',
      orderType: 'normal',
      createdAt: iso8(paidMs - 60_000),
      paidAt: iso8(paidMs),
      currency: 'CNY',
      totals: { goods: { minor: goods, currency: 'CNY' }, freight: { minor: freight, currency: 'CNY' }, discount: { minor: discount, currency: 'CNY' }, paid: { minor: paid, currency: 'CNY' } },
      lines,
      recipient: { name: { ciphertext: '~AgAAAAbc123~0~', masked: '张*' }, phone: { masked: '138****0000' } },
      address: { country: 'CN', province: '广东省', city: '深圳市', district: '南山区', detail: { masked: '科技园**号' } },
      ...(i % 3 === 0 ? { finance: { discountFunding: { seller: { minor: discount - platformPart, currency: 'CNY' }, platform: { minor: platformPart, currency: 'CNY' } }, ...(i % 4 === 0 ? { fees: [{ kind: 'commission' as const, amount: { minor: Math.floor(paid / 20), currency: 'CNY' }, source: 'settlement' as const }] } : {}) } } : {}),
    };
    const text = `${JSON.stringify(order)}\n`;
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}
