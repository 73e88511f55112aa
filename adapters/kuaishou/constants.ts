/** Values the definition needs without loading the implementation (see taobao/constants.ts). */
import { z } from 'zod';
import { PlatformId } from '../_shared/inventory-push.js';

export const ADAPTER_ID = 'kuaishou';

/** A Kuaishou shop (快手小店) listing for inventory.push: the item (kwaiItemId) and its SKU. */
export const KuaishouListing = z.object({ itemId: PlatformId.describe('kwaiItemId of the item'), skuId: PlatformId.describe('skuId of the SKU under it') }).strict();
export type KuaishouListing = z.output<typeof KuaishouListing>;

/** The answer the message push expects; anything else is a failed delivery, retried 5 times, then the URL is paused (消息服务说明 2.4). */
export const KUAISHOU_PUSH_REPLY = '{"result":1}';

/** Message events about an order start with this; `bizId` is then the order id (消息服务说明 3.1). */
export const KUAISHOU_ORDER_EVENT_PREFIX = 'kwaishop_order_';

/** `result` of a successful API call. */
export const KUAISHOU_OK = 1;

/** The sign methods the gateway accepts (API调用说明 §4); HMAC_SHA256 is the recommended one. */
export const KUAISHOU_SIGN_METHOD = { HMAC_SHA256: 'HMAC_SHA256', MD5: 'MD5' } as const;
