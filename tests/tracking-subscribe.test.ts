import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox as kdniaoSandbox, type KdniaoSandbox } from '../adapters/kdniao/sandbox.js';
import type { Hub } from '../src/hub.js';
import { createLogger } from '../src/logger.js';
import { createTrackingRobot } from '../src/tracking/robot.js';
import { startTestHub } from './support/hub.js';

/**
 * tracking.subscribe: with the KDNiao sandbox and real Redis, a parcel the robot starts following
 * is subscribed (RequestType 8008) once, and KDNiao's pushes of it reach the hub's receiver
 * (POST /webhooks/kdniao/push/<token>, served here through a local forwarder to the hub's app).
 * A refused subscription is logged and the parcel still followed.
 */
const TOKEN = 'kdn-push-token-0123456789';
let kdniao: KdniaoSandbox;
let hub: (Hub & { prefix: string; taskQueue: string }) | null = null;
let forwarder: Server;
const answers: number[] = [];

beforeAll(async () => {
  kdniao = await kdniaoSandbox.start({ delays: { pickupMs: null, deliveryMs: null } });
  const c = kdniao.connectorConfig();
  hub = await startTestHub({
    env: { KDN_PUSH_TOKEN: TOKEN, KDN_KEY: String(c['appKey']) },
    config: {
      connectors: [{ id: 'kdniao', adapter: 'kdniao', config: { ...c, appKey: '${KDN_KEY}' } }],
      tracking: { enabled: true, kdniao: 'kdniao', everyMinutes: 600, pushToken: '${KDN_PUSH_TOKEN}', subscribe: true },
    },
  });
  const h = hub;
  forwarder = createServer((req, res) => {
    let body = '';
    req.on('data', (b: Buffer) => (body += b.toString()));
    req.on('end', () => {
      void Promise.resolve(h.app.request(req.url ?? '/', { method: 'POST', body, headers: { 'content-type': req.headers['content-type'] ?? '' } })).then(async (r: Response) => {
        answers.push(r.status);
        res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text());
      });
    });
  });
  await new Promise<void>((r) => forwarder.listen(0, '127.0.0.1', () => r()));
  const a = forwarder.address();
  kdniao.setPushUrl(`http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/webhooks/kdniao/push/${TOKEN}`);
});
afterAll(async () => {
  await hub?.stop();
  await kdniao?.close();
  await new Promise<void>((r) => (forwarder ? forwarder.close(() => r()) : r()));
});

describe('KDNiao subscription for followed parcels', () => {
  it('subscribes a newly followed parcel once; its pickup is pushed to the hub and accepted', async () => {
    if (!hub) throw new Error('no hub');
    const robot = createTrackingRobot({ redis: hub.redis, keyPrefix: hub.prefix, config: hub.config.tracking, registry: hub.registry, temporal: hub.client, router: null, logger: createLogger({ level: 'silent' }) });
    const no = `E${Date.now()}`;
    kdniao.track('EMS', no);
    expect(await robot.register({ waybillNo: no, workflowId: `order:ems-test:${no}`, shipperCode: 'EMS' })).toBe(true);
    // Registered again (a retried activity): not subscribed twice.
    expect(await robot.register({ waybillNo: no, workflowId: `order:ems-test:${no}`, shipperCode: 'EMS' })).toBe(false);
    expect(kdniao.subscriptions().waybills).toEqual([no]);
    expect(kdniao.log.events.filter((e) => e.kind === 'tracking.subscribe')).toHaveLength(1);
    await kdniao.pickUp(no);
    expect(kdniao.subscriptions().pushes).toBe(1);
    expect(answers).toEqual([200]);
  });

  it('a refused subscription is logged, never thrown: the parcel is still followed', async () => {
    if (!hub) throw new Error('no hub');
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn' }, { write: (l: string) => lines.push(l) });
    const robot = createTrackingRobot({ redis: hub.redis, keyPrefix: hub.prefix, config: hub.config.tracking, registry: hub.registry, temporal: hub.client, router: null, logger });
    const no = `F${Date.now()}`;
    // A ShipperCode KDNiao's subscribe refuses (the adapter names the field before calling).
    expect(await robot.register({ waybillNo: no, workflowId: `order:ems-test:${no}`, shipperCode: 'ems' })).toBe(true);
    expect(lines.join('')).toContain('KDNiao subscription failed');
    expect(kdniao.subscriptions().waybills).not.toContain(no);
  });
});
