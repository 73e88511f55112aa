/** Values the definition needs without loading the implementation (see taobao/constants.ts). */
export const ADAPTER_ID = 'youzan';

/** The reply Youzan expects; anything else makes it resend. */
export const YOUZAN_PUSH_REPLY = { code: 0, msg: 'success' } as const;

/** The topic of Youzan's periodic test messages: the route acknowledges them and starts nothing. */
export const YOUZAN_TEST_TOPIC = 'test';

export const YOUZAN_TRADE_TYPES = ['trade_TradeCreate', 'trade_TradePaid', 'trade_TradeSellerShip', 'trade_TradeSuccess', 'trade_TradeClose'] as const;
