import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes.js';

/**
 * Custom search attributes SREs filter on (`OrderStatus='on_hold'`). Keys are plain objects
 * of the SDK's SearchAttributeKey shape so workflow code needs no runtime import beyond the SDK.
 */
export const SA_ORDER_ID: SearchAttributeKey<'KEYWORD'> = { name: 'OrderId', type: 'KEYWORD' };
export const SA_CHANNEL: SearchAttributeKey<'KEYWORD'> = { name: 'Channel', type: 'KEYWORD' };
export const SA_SHOP: SearchAttributeKey<'KEYWORD'> = { name: 'Shop', type: 'KEYWORD' };
export const SA_ORDER_STATUS: SearchAttributeKey<'KEYWORD'> = { name: 'OrderStatus', type: 'KEYWORD' };
export const SA_HOLD_REASON: SearchAttributeKey<'KEYWORD'> = { name: 'HoldReason', type: 'KEYWORD' };

export const ORDER_SEARCH_ATTRIBUTES = [SA_ORDER_ID, SA_CHANNEL, SA_SHOP, SA_ORDER_STATUS, SA_HOLD_REASON] as const;
