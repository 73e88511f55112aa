import { createServer, type Server } from 'node:http';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sandboxCtx, sandboxDeps } from '../../../src/sandbox/testing.js';
import { CAPABILITY } from '../../../src/sdk/capabilities.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import kdniao, { kdniaoConfig } from '../index.js';
import { parseKdniaoPush, type KdniaoPush } from '../push.js';
import { sandbox, type KdniaoSandbox } from '../sandbox.js';

/** tracking.subscribe (8008) against the KDNiao sandbox, whose pushes reach a local receiver and parse as the hub's receiver parses them. */
let sb: KdniaoSandbox | undefined;
let receiver: Server;
let receiverUrl = '';
const received: KdniaoPush[] = [];
const msw = setupServer();

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push(parseKdniaoPush(body, 'sandbox-kdniao-appkey'));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"Success":true}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const a = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/webhooks/kdniao/push/t`;
});
afterEach(async () => {
  await sb?.close();
  sb = undefined;
  msw.close();
});
afterAll(async () => {
  await new Promise<void>((r) => receiver.close(() => r()));
});

describe('kdniao tracking.subscribe', () => {
  it("subscribes with RequestType 8008; the subscribed parcel's pickup and delivery are pushed, signed, to the account's push URL", async () => {
    sb = await sandbox.start({ delays: { pickupMs: null, deliveryMs: null }, pushUrl: receiverUrl });
    const a = await kdniao.create(kdniaoConfig.parse(sb.connectorConfig()), sandboxDeps());
    sb.track('EMS', 'E100');
    sb.track('EMS', 'E200');
    expect(await a.invoke(CAPABILITY.TRACKING_SUBSCRIBE, { shipperCode: 'EMS', logisticCode: 'E100' }, sandboxCtx('s1'))).toEqual({ subscribed: true, updateTime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) });
    received.length = 0;
    await sb.pickUp('E100');
    await sb.pickUp('E200');
    await sb.deliver('E100');
    expect(sb.subscriptions()).toEqual({ waybills: ['E100'], pushes: 2 });
    expect(received.map((p) => (p.ok ? p.records.map((r) => [r.trackingNo, r.state]) : p.reason))).toEqual([[['E100', 'picked_up']], [['E100', 'delivered']]]);
  });

  it("KDNiao's refusal names its Reason, not retried; a busy answer is retried; bad input names the field", async () => {
    msw.listen({ onUnhandledRequest: 'error' });
    const url = 'https://kdn.test/Ebusiness/EbusinessOrderHandle.aspx';
    const a = await kdniao.create(kdniaoConfig.parse({ url, eBusinessId: '1', appKey: 'k' }), sandboxDeps());
    msw.use(http.post(url, () => HttpResponse.json({ EBusinessID: '1', Success: false, Reason: '没有可用套餐' })));
    const refused = await a.invoke(CAPABILITY.TRACKING_SUBSCRIBE, { shipperCode: 'EMS', logisticCode: 'E1' }, sandboxCtx('s2')).catch((e: unknown) => e);
    expect(refused instanceof AdapterError && [refused.retryable, refused.message]).toEqual([false, 'kdniao: 8008 subscribe EMS E1: 没有可用套餐']);
    msw.use(http.post(url, () => HttpResponse.json({ EBusinessID: '1', Success: false, Reason: '系统繁忙，请稍后再试' })));
    const busy = await a.invoke(CAPABILITY.TRACKING_SUBSCRIBE, { shipperCode: 'EMS', logisticCode: 'E1' }, sandboxCtx('s3')).catch((e: unknown) => e);
    expect(busy instanceof AdapterError && busy.retryable).toBe(true);
    const bad = await a.invoke(CAPABILITY.TRACKING_SUBSCRIBE, { shipperCode: 'ems', logisticCode: 'E1' }, sandboxCtx('s4')).catch((e: unknown) => e);
    expect(bad instanceof AdapterError && /shipperCode/.test(bad.message)).toBe(true);
  });
});
