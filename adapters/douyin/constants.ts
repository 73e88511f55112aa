/** Values the definition needs without loading the implementation (see taobao/constants.ts). */
import { z } from 'zod';
import { PlatformId } from '../_shared/inventory-push.js';

export const ADAPTER_ID = 'douyin';

/** A Douyin listing for inventory.push: the product and the SKU under it (ids beyond 2^53, kept as strings). */
export const DouyinListing = z.object({ productId: PlatformId, skuId: PlatformId }).strict();
export type DouyinListing = z.output<typeof DouyinListing>;

/** The reply the push sender expects, whatever happened to the message afterwards. */
export const DOUYIN_PUSH_REPLY = { code: 0, msg: 'success' } as const;

/**
 * Push tags for shop orders (WIRE-FORMATS, Douyin section); 200-227 are after-sales tags and
 * keep their number as the topic.
 */
export const DOUYIN_TAGS = {
  '100': 'order.created',
  '101': 'order.paid',
  '102': 'order.shipped',
  '103': 'order.completed',
  '104': 'order.logistics-changed',
  '105': 'order.address-changed',
  '106': 'order.cancelled',
  '108': 'order.partly-shipped',
  '109': 'order.amount-changed',
} as const;
