// The workflow bundle's entry point: every workflow the worker runs is exported here.
export { orderLifecycle, getOrderState } from './order-lifecycle.js';
export type { OrderLifecycleInput, OrderState } from './order-lifecycle.js';
export { stockSync, releaseExpiredLocks } from './stock-sync.js';
export type { StockSyncInput } from './stock-sync.js';
export { erpPoll } from './erp-poll.js';
export type { ErpPollInput, ErpPollResult } from './erp-poll.js';
export { orderPoll } from './order-poll.js';
export type { OrderPollInput, OrderPollResult } from './order-poll.js';
export { trackingSweep } from './tracking-sweep.js';
export type { TrackingSweepInput, TrackingSweepResult } from './tracking-sweep.js';
export { flushNotifications, dailySummary } from './notifications.js';
export { afterSalesCase } from './after-sales-case.js';
export type { AfterSalesCaseInput, CaseSnapshot } from './after-sales-case.js';
export { wmsReturnsSweep } from './wms-returns-sweep.js';
