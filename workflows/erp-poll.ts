import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../src/activities/index.js';
import type { Cursor } from '../adapters/legacy-erp/sql.js';
import { NON_RETRYABLE_FAILURE_TYPES } from '../src/sdk/failure-types.js';

export interface ErpPollInput {
  connector: string;
  channel: string;
  /** Set only by continue-as-new during a long backlog: where the previous run stopped. */
  resume?: Cursor | null;
  /** Batches per run before continuing as new (keeps each run's history short). */
  maxBatches?: number;
}

export interface ErpPollResult {
  batches: number;
  rows: number;
  started: number;
  duplicates: number;
  quarantined: number;
  skipped: number;
}

// Heartbeats per batch: a worker killed mid-batch is noticed within heartbeatTimeout and the
// batch re-run elsewhere; the database and Temporal make the re-run harmless (see the activity).
const acts = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 5, initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES] },
});

/**
 * One poll of a legacy ERP's order table, started by its Temporal Schedule (overlap SKIP), so
 * SREs see every poll, its batches and their counts in history. Reads batches until the table
 * has no more new rows; a long backlog continues as new rather than growing one history.
 */
export async function erpPoll(input: ErpPollInput): Promise<ErpPollResult> {
  const total: ErpPollResult = { batches: 0, rows: 0, started: 0, duplicates: 0, quarantined: 0, skipped: 0 };
  const maxBatches = input.maxBatches ?? 200;
  let scan: Cursor | null = input.resume ?? null;
  let first = input.resume === undefined || input.resume === null;
  for (;;) {
    const r = await acts.pollLegacyErpBatch({ connector: input.connector, channel: input.channel, scan, first });
    first = false;
    scan = r.next;
    total.batches++;
    total.rows += r.rows;
    total.started += r.started;
    total.duplicates += r.duplicates;
    total.quarantined += r.quarantined;
    total.skipped += r.skipped;
    if (!r.more) return total;
    if (total.batches >= maxBatches) await continueAsNew<typeof erpPoll>({ ...input, resume: scan });
  }
}
