import type { ChannelConfig } from '../../config/schema.js';
import type { WebhookEvent } from '../../sdk/define.js';
import type { AfterSalesCaseInput } from '../../../workflows/after-sales/types.js';

/**
 * One platform's after-sales messages as cases: null when the message is not about an after-sale,
 * an Error naming the field when it is but cannot be read.
 */
export type CaseFromPush = (a: { channel: ChannelConfig; event: WebhookEvent }) => AfterSalesCaseInput | Error | null;
