import type { ChannelConfig } from '../../config/schema.js';
import type { WebhookEvent } from '../../sdk/define.js';
import type { AfterSalesCaseInput } from '../../../workflows/after-sales/types.js';

/**
 * One platform's after-sales messages as cases: null when the message is not about an after-sale,
 * an Error naming the field when it is but cannot be read.
 */
export type CaseFromPush = (a: { channel: ChannelConfig; event: WebhookEvent }) => AfterSalesCaseInput | Error | null;

/**
 * One record of a platform's after-sales pull (capability aftersales.pull) as the case it opens
 * or updates; an Error naming the field when the record cannot be read.
 */
export type CaseFromPull = (a: { channel: ChannelConfig; record: unknown }) => AfterSalesCaseInput | Error;
