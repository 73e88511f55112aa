/** Values the definition needs without loading the implementation (see taobao/constants.ts). */
import { z } from 'zod';
import { PlatformId } from '../_shared/inventory-push.js';

export const ADAPTER_ID = 'wechat-channels';

/** A WeChat shop (微信小店 / 视频号小店) listing for inventory.push: the product and the SKU under it. */
export const WeChatListing = z
  .object({ productId: PlatformId.describe('product_id of the shop product'), skuId: PlatformId.describe('sku_id of the SKU under it') })
  .strict();
export type WeChatListing = z.output<typeof WeChatListing>;

/** The plain-text answer WeChat's message push expects (WeChat docs: "回复 success 或空字符串"). */
export const WECHAT_PUSH_REPLY = 'success';

/**
 * Order events of the shop message push (developers.weixin.qq.com/doc/store/shop/notify/order_callback):
 * each carries only `order_info.order_id`, so the hub fetches the order with order.get.
 */
export const WECHAT_ORDER_EVENTS = {
  channels_ec_order_new: 'order.created',
  channels_ec_order_pay: 'order.paid',
  channels_ec_order_wait_shipping: 'order.awaiting-shipment',
  channels_ec_order_deliver: 'order.shipped',
  channels_ec_order_confirm: 'order.received',
  channels_ec_order_settle: 'order.settled',
  channels_ec_order_cancel: 'order.cancelled',
  channels_ec_order_ext_info_update: 'order.updated',
} as const;

/** ErrCodes of the WeChat server API the transport acts on (developers.weixin.qq.com global return codes). */
export const WECHAT_ERRCODE = {
  OK: 0,
  /** 系统繁忙 */
  BUSY: -1,
  /** access_token invalid / expired / not the latest: fetch a new one and try once more. */
  INVALID_CREDENTIAL: 40001,
  INVALID_TOKEN: 40014,
  TOKEN_EXPIRED: 42001,
  /** invalid appsecret */
  INVALID_SECRET: 40125,
  /** api unauthorized (the shop did not grant the permission set) */
  API_UNAUTHORIZED: 48001,
  /** api freq out of limit */
  FREQ_LIMIT: 45009,
} as const;
