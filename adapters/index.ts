import type { AdapterDefinition } from '../src/sdk/define.js';
import douyin from './douyin/index.js';
import jd from './jd/index.js';
import pinduoduo from './pinduoduo/index.js';
import shopify from './shopify/index.js';
import taobao from './taobao/index.js';
import youzan from './youzan/index.js';

/**
 * The built-in adapters, registered explicitly. Each definition is small (manifest + config
 * schema); its implementation is imported inside `create`, so it loads only when a connector
 * using it is first called. One line per adapter: keep it sorted.
 */
export const BUILTIN_ADAPTERS: readonly AdapterDefinition[] = [
  douyin,
  jd,
  pinduoduo,
  shopify,
  taobao,
  youzan,
];
