import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { LifecycleState } from '../states.js';
import type { AddressChangeInput, AddressChangeOutcome, AfterSalesLink, DecisionInput, Hold, OrderState, PlatformEvent, PlatformSnapshot, TrackingEvent, TrackingUpdate, WaybillBackfill } from './types.js';

export const getOrderState = defineQuery<OrderState>('getOrderState');
/** A changed delivery address, answered with what was done about it. */
export const changeAddress = defineUpdate<AddressChangeOutcome, [AddressChangeInput]>('changeAddress');
export const platformEvent = defineSignal<[PlatformEvent]>('platformEvent');
/** A later copy of the order from the platform: status, refunds and address, applied unless stale. */
export const platformSnapshot = defineSignal<[PlatformSnapshot]>('platformSnapshot');
export const trackingEvent = defineSignal<[TrackingEvent]>('trackingEvent');
/** The tracking robot's traces and stall flag, for the timeline. */
export const trackingUpdate = defineSignal<[TrackingUpdate]>('trackingUpdate');
/** The WMS reported the tracking number of an order shipped without one. */
export const waybillBackfill = defineSignal<[WaybillBackfill]>('waybillBackfill');
/** Operator decision on a held order; answers once the workflow has acted on it. */
export const decide = defineUpdate<{ state: LifecycleState; hold: Hold | null }, [DecisionInput]>('decide');
/** Cancel before shipping; answers after compensations ran (or why it could not). */
export const cancelOrder = defineUpdate<{ cancelled: boolean; state: LifecycleState; failedCompensations: string[] }, [{ cause: string; actor: string }]>('cancelOrder');
/** An after-sales case about this order was opened: the order lists it (the case carries the order key). */
export const afterSalesOpened = defineSignal<[AfterSalesLink]>('afterSalesOpened');
