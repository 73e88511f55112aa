import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../src/activities/index.js';
import type { AfterSalesActivities } from '../../src/after-sales/activities.js';
import { NON_RETRYABLE_FAILURE_TYPES } from '../../src/sdk/failure-types.js';

// Redis-backed case steps: retried for as long as Redis is down, so an outage delays the case, never loses a step.
export const caseStore = proxyActivities<AfterSalesActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds' },
});

// A notice is retried a few times, then given up and noted: it never holds the case.
export const notifier = proxyActivities<Pick<Activities, 'invokeAdapter'>>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3, initialInterval: '1 second', backoffCoefficient: 2, nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES] },
});

// The order store takes a paid-out refund for finance: retried by the server until the store answers.
export const orderRefunds = proxyActivities<Pick<Activities, 'recordOrderRefund'>>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds', nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES] },
});
