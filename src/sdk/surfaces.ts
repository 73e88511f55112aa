import type { WebhookRequest, WebhookVerdict } from './define.js';

/**
 * What a connector offers the core beyond `invoke`, keyed by the capability it serves. The core
 * asks a connector for a capability's surface, never for its class: an ERP whose order.pull is a
 * table the hub polls row by row, an ERP whose order.webhook events the hub maps itself.
 */
export interface CapabilitySurfaces {
  'order.pull': TablePollSurface;
  'order.webhook': EventWebhookSurface;
}

/** How long one call may take: the caller's signal and an epoch-ms deadline the driver is told too. */
export interface CallLimits {
  signal?: AbortSignal;
  deadline?: number;
}

/** Where a table poll resumes: the last row taken, by (updated-at, key). */
export interface RowCursor {
  updatedAt: string;
  key: string;
}

/** The settings of a table poll the core drives (cursor, flags, batching). */
export interface TablePollSettings {
  readonly keyColumn: string;
  readonly updatedAtColumn?: string | undefined;
  readonly syncedColumn?: string | undefined;
  readonly syncedValue: number;
  readonly errorValue: number;
  readonly overlapSeconds: number;
  readonly batchSize: number;
  readonly concurrency: number;
}

/** A table of orders the core polls: the connector reads and flags rows, the core keeps the cursor and starts the orders. */
export interface TablePollSurface {
  readonly settings: TablePollSettings;
  readonly intervalSeconds: number;
  fetchBatch(from: RowCursor | null, limits?: CallLimits): Promise<Record<string, unknown>[]>;
  markRows(value: number, keys: readonly string[], limits?: CallLimits): Promise<void>;
}

/** Events the system calls the hub with, verified by the connector and mapped by the core with `mapping`. */
export interface EventWebhookSurface {
  readonly mapping: string;
  /** The warehouse stock events update when they name none. */
  readonly warehouse: string | null;
  verifyWebhook(req: WebhookRequest): WebhookVerdict;
}
