import type { SandboxDefinition } from '../src/sandbox/core.js';

/**
 * The sales-platform sandboxes, by adapter id, loaded on demand: a sandbox pulls in its order
 * model and server code, which a hub that never runs one should not load. The demo and the
 * simulator start them from here; the courier/WMS sandboxes have their own list.
 */
export const PLATFORM_SANDBOXES: Readonly<Record<string, () => Promise<SandboxDefinition>>> = {
  amazon: async () => (await import('./amazon/sandbox.js')).sandbox,
  douyin: async () => (await import('./douyin/sandbox.js')).sandbox,
  jd: async () => (await import('./jd/sandbox.js')).sandbox,
  kuaishou: async () => (await import('./kuaishou/sandbox.js')).sandbox,
  'own-store': async () => (await import('./own-store/sandbox.js')).sandbox,
  pinduoduo: async () => (await import('./pinduoduo/sandbox.js')).sandbox,
  shopify: async () => (await import('./shopify/sandbox.js')).sandbox,
  taobao: async () => (await import('./taobao/sandbox.js')).sandbox,
  'wechat-channels': async () => (await import('./wechat-channels/sandbox.js')).sandbox,
  youzan: async () => (await import('./youzan/sandbox.js')).sandbox,
};
