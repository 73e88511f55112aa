/** Values the definition needs without loading the implementation (see taobao/constants.ts). */
export const ADAPTER_ID = 'jd';

/** Every POP order state, so the search returns orders whatever happened to them. */
export const JD_ORDER_STATES = [
  'WAIT_SELLER_STOCK_OUT', 'WAIT_GOODS_RECEIVE_CONFIRM', 'WAIT_SELLER_DELIVERY', 'PAUSE', 'FINISHED_L', 'TRADE_CANCELED', 'LOCKED', 'POP_ORDER_PAUSE',
] as const;
