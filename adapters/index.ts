import type { AdapterDefinition } from '../src/sdk/define.js';
import amazon from './amazon/index.js';
import dingtalk from './dingtalk/index.js';
import douyin from './douyin/index.js';
import ems from './ems/index.js';
import jd from './jd/index.js';
import kdniao from './kdniao/index.js';
import kingdee from './kingdee/index.js';
import kuaishou from './kuaishou/index.js';
import legacyErp from './legacy-erp/index.js';
import ownStore from './own-store/index.js';
import pinduoduo from './pinduoduo/index.js';
import sfExpress from './sf-express/index.js';
import shopify from './shopify/index.js';
import taobao from './taobao/index.js';
import wangdiantong from './wangdiantong/index.js';
import wechatChannels from './wechat-channels/index.js';
import wecom from './wecom/index.js';
import youzan from './youzan/index.js';

/**
 * The built-in adapters, registered explicitly. Each definition is small (manifest + config
 * schema); its implementation is imported inside `create`, so it loads only when a connector
 * using it is first called. One line per adapter: keep it sorted.
 */
export const BUILTIN_ADAPTERS: readonly AdapterDefinition[] = [
  amazon,
  dingtalk,
  douyin,
  ems,
  jd,
  kdniao,
  kingdee,
  kuaishou,
  legacyErp,
  ownStore,
  pinduoduo,
  sfExpress,
  shopify,
  taobao,
  wangdiantong,
  wechatChannels,
  wecom,
  youzan,
];
