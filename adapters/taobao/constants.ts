/**
 * Values the definition (index.ts) needs without loading the implementation: index.ts stays
 * cheap to import, the transport and operations load on the first call.
 */
export const ADAPTER_ID = 'taobao';

export const TOP_SIGN_METHODS = ['md5', 'hmac', 'hmac-sha256'] as const;
export type TopSignMethod = (typeof TOP_SIGN_METHODS)[number];

/** Every trade type, because without `type` the increment API returns only some of them. */
export const TOP_TRADE_TYPES = [
  'fixed', 'auction', 'guarantee_trade', 'step', 'independent_simple_trade', 'independent_shop_trade', 'auto_delivery',
  'ec', 'cod', 'game_equipment', 'shopex_trade', 'netcn_trade', 'external_trade', 'instant_trade', 'b2c_cod',
  'hotel_trade', 'super_market_trade', 'super_market_cod_trade', 'taohua', 'waimai', 'nopaid', 'eticket',
  'tmall_i18n', 'insurance_plus', 'finance', 'pre_auth_type',
] as const;
