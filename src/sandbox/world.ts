import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { sandbox as douyinSandbox, type DouyinSandbox } from '../../adapters/douyin/sandbox.js';
import { sandbox as emsSandbox, type EmsSandbox } from '../../adapters/ems/sandbox.js';
import { sandbox as pddSandbox, type PddSandbox } from '../../adapters/pinduoduo/sandbox.js';
import { sandbox as sfSandbox, type SfSandbox } from '../../adapters/sf-express/sandbox.js';
import { sandbox as shopifySandbox, type ShopifySandbox } from '../../adapters/shopify/sandbox.js';
import { sandbox as taobaoSandbox, type TaobaoSandbox } from '../../adapters/taobao/sandbox.js';
import { sandbox as wdtSandbox, type WdtSandbox } from '../../adapters/wangdiantong/sandbox.js';
import { sandbox as wecomSandbox, type WecomSandbox } from '../../adapters/wecom/sandbox.js';
import { sandbox as youzanSandbox, type YouzanSandbox } from '../../adapters/youzan/sandbox.js';
import { secretPaths } from '../sdk/connector-config.js';
import { CHANNEL_MODE } from '../shadow/mode.js';
import type { CourierDelays } from './courier-kit.js';
import type { SandboxSystem } from './core.js';

/**
 * A whole shop's outside world on local ports: five sales platforms, two couriers, a WMS and an
 * alert robot, each the sandbox of its built-in adapter. `hubConfig()` is the matching hub config
 * (secrets as ${ENV} references, their values in `env`), so a hub started from it talks to these
 * systems exactly as it would to the real ones.
 */

/** Channel and connector ids of the world; shared by the simulator, the demo and the tests. */
export const WORLD = {
  channels: { taobao: 'sim-taobao', pinduoduo: 'sim-pdd', douyin: 'sim-douyin', youzan: 'sim-youzan', shopify: 'sim-shopify' },
  connectors: { taobao: 'tb', pinduoduo: 'pdd', douyin: 'dy', douyinEwaybill: 'dy-ewb', youzan: 'yz', shopify: 'sp', sf: 'sf', ems: 'ems', wdt: 'wdt', wecom: 'wecom' },
  warehouse: 'WH-SIM',
  shop: 'sim-shop',
} as const;

export type WorldPlatform = keyof typeof WORLD.channels;

/** Douyin orders ship on the platform's own e-waybill (SF), and reach the WMS with that waybill and the ciphertext. */
export const DOUYIN_EWAYBILL = { logisticsCode: 'shunfeng', courier: 'SF' } as const;
export const DOUYIN_WMS_MAPPING = 'wangdiantong/trade-push-platform-waybill.v1';
export const WORLD_PLATFORMS = ['taobao', 'pinduoduo', 'douyin', 'youzan', 'shopify'] as const satisfies readonly WorldPlatform[];

/** A SKU the world sells: listed on every platform, stocked in the WMS and the hub's pool. */
export interface WorldSku {
  sku: string;
  price: number;
  onHand: number;
}

export interface WorldOptions {
  /** Base URL the hub will listen on (pushes go there); pick it with freePort() before starting. */
  hubUrl: string;
  skus: WorldSku[];
  /** Courier pickup/delivery delays after waybill creation (null: by hand). */
  courierDelays?: Partial<CourierDelays>;
  routePushToken?: string;
}

export interface SandboxWorld {
  readonly taobao: TaobaoSandbox;
  readonly pinduoduo: PddSandbox;
  readonly douyin: DouyinSandbox;
  readonly youzan: YouzanSandbox;
  readonly shopify: ShopifySandbox;
  readonly sf: SfSandbox;
  readonly ems: EmsSandbox;
  readonly wdt: WdtSandbox;
  readonly wecom: WecomSandbox;
  readonly skus: readonly WorldSku[];
  /** Environment holding every sandbox secret the config refers to. */
  readonly env: Record<string, string>;
  /** The raw hub config parts pointing at the sandboxes (merge into a full config, then parseConfig(raw, env)). */
  /** `shadow`: that platform's channel runs in shadow mode (its writes recorded, not sent). */
  hubConfig(o?: { shipmentConfirm?: boolean; shadow?: WorldPlatform | null }): { connectors: unknown[]; channels: unknown[]; webhooks: Record<string, unknown>; lifecycle: Record<string, unknown> };
  /** What runs where, one line per system. */
  describe(): string[];
  close(): Promise<void>;
}

/** A TCP port free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Replaces each secret field of a connector config by an ${ENV} reference (the config schema
 * refuses literal secrets) and records the value under that name.
 */
export function secretsToEnv(connectorId: string, adapter: string, config: Record<string, unknown>, env: Record<string, string>): Record<string, unknown> {
  const def = BUILTIN_ADAPTERS.find((d) => d.manifest.id === adapter);
  if (!def) throw new Error(`sandbox world: no built-in adapter "${adapter}"`);
  const out = { ...config };
  for (const p of secretPaths(def.configSchema)) {
    // Every built-in secret is a top-level field; a nested one would need a path walk.
    if (p.includes('.')) throw new Error(`sandbox world: nested secret field ${adapter}.${p} is not supported`);
    const v = out[p];
    if (typeof v !== 'string') continue;
    const name = `SIM_${connectorId}_${p}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
    env[name] = v;
    out[p] = `\${${name}}`;
  }
  return out;
}

export async function startSandboxWorld(o: WorldOptions): Promise<SandboxWorld> {
  const push = { hubUrl: o.hubUrl };
  // 32 characters or more, as the hub's config requires of the token.
  const token = o.routePushToken ?? randomBytes(24).toString('hex');
  const delays = { pickupMs: 2_000, deliveryMs: 2_000, ...o.courierDelays };
  const started: SandboxSystem[] = [];
  const keep = <S extends SandboxSystem>(s: S): S => {
    started.push(s);
    return s;
  };
  try {
    const taobao = keep(await taobaoSandbox.start());
    const pinduoduo = keep(await pddSandbox.start());
    const sf = keep(await sfSandbox.start({ push, routePushToken: token, delays }));
    // SF carries the parcels of the SF numbers Douyin's e-waybill issues, and pushes their routes.
    const douyin = keep(await douyinSandbox.start({ push, channel: WORLD.channels.douyin, ewaybillCarriers: { [DOUYIN_EWAYBILL.logisticsCode]: sf } }));
    const youzan = keep(await youzanSandbox.start({ push, channel: WORLD.channels.youzan }));
    const shopify = keep(await shopifySandbox.start({ push }));
    const ems = keep(await emsSandbox.start({ push, delays }));
    const wdt = keep(await wdtSandbox.start({ warehouseNo: WORLD.warehouse }));
    const wecom = keep(await wecomSandbox.start({ perMinute: null }));
    for (const s of o.skus) {
      taobao.listItem({ sku: s.sku });
      pinduoduo.listItem({ sku: s.sku });
      douyin.listItem({ sku: s.sku });
      shopify.listItem({ sku: s.sku });
      wdt.setStock(s.sku, s.onHand);
    }
    const env: Record<string, string> = { SIM_SF_ROUTE_TOKEN: token };
    const C = WORLD.connectors;
    const connectors = [
      { id: C.taobao, adapter: 'taobao', config: secretsToEnv(C.taobao, 'taobao', taobao.connectorConfig(), env) },
      { id: C.pinduoduo, adapter: 'pinduoduo', config: secretsToEnv(C.pinduoduo, 'pinduoduo', pinduoduo.connectorConfig(), env) },
      { id: C.douyin, adapter: 'douyin', config: secretsToEnv(C.douyin, 'douyin', douyin.connectorConfig(), env) },
      // The shop's e-waybill subscription (SF through 抖音电子面单): Douyin orders carry only ciphertext receivers.
      { id: C.douyinEwaybill, adapter: 'douyin', config: secretsToEnv(C.douyinEwaybill, 'douyin', douyin.ewaybillConnectorConfig(DOUYIN_EWAYBILL), env) },
      { id: C.youzan, adapter: 'youzan', config: secretsToEnv(C.youzan, 'youzan', youzan.connectorConfig(), env) },
      { id: C.shopify, adapter: 'shopify', config: secretsToEnv(C.shopify, 'shopify', shopify.connectorConfig(), env) },
      { id: C.sf, adapter: 'sf-express', config: secretsToEnv(C.sf, 'sf-express', sf.connectorConfig(), env) },
      { id: C.ems, adapter: 'ems', config: secretsToEnv(C.ems, 'ems', ems.connectorConfig(), env) },
      { id: C.wdt, adapter: 'wangdiantong', config: secretsToEnv(C.wdt, 'wangdiantong', wdt.connectorConfig('enterprise'), env) },
      { id: C.wecom, adapter: 'wecom', config: secretsToEnv(C.wecom, 'wecom', wecom.connectorConfig(), env) },
    ];
    const spSecret = String(shopify.connectorConfig()['webhookSecret']);
    env['SIM_SHOPIFY_CHANNEL_SECRET'] = spSecret;
    const ch = WORLD.channels;
    const confirm = (on: boolean) => ({ shipmentConfirm: { enabled: on } });
    const systems: [string, SandboxSystem][] = [
      ['taobao (polled)', taobao],
      ['pinduoduo (polled)', pinduoduo],
      ['douyin (pushes)', douyin],
      ['youzan (pushes)', youzan],
      ['shopify (webhooks)', shopify],
      ['sf-express', sf],
      ['ems', ems],
      ['wangdiantong', wdt],
      ['wecom robot', wecom],
    ];
    return {
      taobao,
      pinduoduo,
      douyin,
      youzan,
      shopify,
      sf,
      ems,
      wdt,
      wecom,
      skus: o.skus,
      env,
      hubConfig(opts = {}) {
        const on = opts.shipmentConfirm ?? true;
        const mode = (p: WorldPlatform) => (opts.shadow === p ? { mode: CHANNEL_MODE.SHADOW } : {});
        return {
          connectors,
          channels: [
            { id: ch.taobao, adapter: 'taobao', shop: WORLD.shop, connector: C.taobao, mapping: 'taobao/order.v3', poll: { everyMinutes: 1, initialLookbackMinutes: 30, alertConnector: C.wecom }, ...confirm(on), ...mode('taobao') },
            { id: ch.pinduoduo, adapter: 'pinduoduo', shop: WORLD.shop, connector: C.pinduoduo, mapping: 'pinduoduo/order.v2', poll: { everyMinutes: 1, initialLookbackMinutes: 30, alertConnector: C.wecom }, ...confirm(on), ...mode('pinduoduo') },
            { id: ch.douyin, adapter: 'douyin', shop: WORLD.shop, connector: C.douyin, mapping: 'douyin/order.v3', poll: { enabled: false }, courier: { connector: C.douyinEwaybill, mappings: { wms: DOUYIN_WMS_MAPPING } }, ...confirm(on), ...mode('douyin') },
            { id: ch.youzan, adapter: 'youzan', shop: WORLD.shop, connector: C.youzan, mapping: 'youzan/order.v2', ...confirm(on), ...mode('youzan') },
            { id: ch.shopify, adapter: 'shopify', shop: String(shopify.connectorConfig()['shop']), secret: '${SIM_SHOPIFY_CHANNEL_SECRET}', connector: C.shopify, mapping: 'shopify/order.v2', currency: 'USD', ...confirm(on), ...mode('shopify') },
          ],
          webhooks: { sfRoutePushToken: '${SIM_SF_ROUTE_TOKEN}' },
          lifecycle: {
            enabled: true,
            warehouse: WORLD.warehouse,
            courier: C.sf,
            remoteCourier: C.ems,
            wms: C.wdt,
            mappings: { waybill: 'sf-express/waybill.v1', waybillUpdate: 'sf-express/waybill-update.v1', wms: 'wangdiantong/trade-push.v1' },
          },
        };
      },
      describe() {
        return systems.map(([name, s]) => `  ${name.padEnd(20)} ${s.server.url}`);
      },
      async close() {
        await Promise.all(started.map((s) => s.close()));
      },
    };
  } catch (err) {
    await Promise.all(started.map((s) => s.close().catch(() => undefined)));
    throw err;
  }
}
