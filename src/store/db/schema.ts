import type { ColumnType } from 'kysely';

/** timestamptz: read as Date (pg's parser), written as an ISO-8601 string with offset. */
type Timestamp = ColumnType<Date, string, string>;
type NullableTimestamp = ColumnType<Date | null, string | null, string | null>;
/** jsonb: read as parsed JSON (checked by the reader's zod schema), written as a JSON string. */
type Json = ColumnType<unknown, string, string>;
type NullableJson = ColumnType<unknown, string | null, string | null>;

/** The projection of one order: one row per workflow, replaced only by a higher seq. */
export interface OrdersTable {
  workflow_id: string;
  seq: number;
  order_key: string;
  platform: string;
  channel: string;
  shop: string;
  platform_order_id: string;
  state: string;
  platform_status: string;
  hold_reason: string | null;
  hold: NullableJson;
  canonical: Json;
  timeline: Json;
  waybill_no: string | null;
  carrier: string | null;
  ship_confirmations: Json;
  skus: string[];
  currency: string;
  goods_minor: number;
  freight_minor: number;
  discount_minor: number;
  paid_minor: number;
  paid_at: NullableTimestamp;
  received_at: Timestamp;
  created_at: Timestamp;
  province: string | null;
  city: string | null;
  buyer_phone: NullableJson;
  buyer_phone_hash: string | null;
  first_projected_at: ColumnType<Date, string | undefined, never>;
  projected_at: Timestamp;
}

/** Every waybill an order ever had, searchable by number (a re-issued one stays findable). */
export interface OrderWaybillsTable {
  waybill_no: string;
  workflow_id: string;
  carrier: string | null;
  first_seq: number;
  live: boolean;
  confirmed_at: NullableTimestamp;
}

/** One audited change of an order: who, when, why, and each changed field before and after (PII masked). */
export interface OrderVersionsTable {
  workflow_id: string;
  seq: number;
  at: Timestamp;
  actor: string;
  cause: string;
  changes: Json;
  restorable: NullableJson;
}

/** An order imported from an old system: no workflow, never touched by the lifecycle. */
export interface HistoricalOrdersTable {
  channel: string;
  platform_order_id: string;
  platform: string;
  shop: string;
  status: string;
  canonical: Json;
  source_rows: Json;
  currency: string;
  goods_minor: number;
  freight_minor: number;
  discount_minor: number;
  paid_minor: number;
  created_at: Timestamp;
  paid_at: NullableTimestamp;
  skus: string[];
  import_key: string;
  source_row: number;
  mapping: string;
  imported_at: ColumnType<Date, string | undefined, never>;
}

/** How far one import file got: rows_done is committed with the rows it covers. */
export interface ImportCheckpointsTable {
  import_key: string;
  file: string;
  channel: string;
  mapping: string;
  rows_done: ColumnType<number, number | undefined, number>;
  imported: ColumnType<number, number | undefined, number>;
  rejected: ColumnType<number, number | undefined, number>;
  started_at: ColumnType<Date, string | undefined, never>;
  updated_at: ColumnType<Date, string | undefined, string>;
  finished_at: NullableTimestamp;
}

export interface ImportRejectsTable {
  import_key: string;
  row: number;
  field: string;
  reason: string;
}

/** An inbound payload as received, kept for the retention period (mapping impact diff). */
export interface RawPayloadsTable {
  id: ColumnType<number, never, never>;
  received_at: Timestamp;
  channel: string;
  platform: string;
  shop: string;
  currency: string;
  mapping: string;
  body: string;
  stored_at: ColumnType<Date, string | undefined, never>;
}

/** The mode (live or shadow) an order's downstream writes were pinned to at its first one. */
export interface OrderWriteModesTable {
  workflow_id: string;
  channel: string;
  mode: string;
  pinned_at: ColumnType<Date, string | undefined, never>;
}

/** A downstream write a shadow-mode order would have made, as it would have been sent. */
export interface ShadowWritesTable {
  id: ColumnType<number, never, never>;
  idempotency_key: string;
  recorded_at: Timestamp;
  workflow_id: string;
  channel: string;
  connector: string;
  capability: string;
  request: Json;
  answer: Json;
}

/** View (0006): lifecycle orders and imported ones, for the order search. */
export interface SearchableOrdersTable {
  workflow_id: string;
  seq: number;
  order_key: string;
  platform: string;
  channel: string;
  shop: string;
  platform_order_id: string;
  state: string;
  platform_status: string;
  hold_reason: string | null;
  waybill_no: string | null;
  carrier: string | null;
  skus: string[];
  currency: string;
  paid_minor: number;
  paid_at: Date | null;
  received_at: Date;
  province: string | null;
  city: string | null;
  buyer_phone_hash: string | null;
  projected_at: Date;
  historical: boolean;
}

/** A refund an after-sales case saw paid out (0007), one per case. */
export interface OrderRefundsTable {
  case_key: string;
  workflow_id: string;
  platform_case_id: string | null;
  line_ids: Json;
  amount_minor: number;
  currency: string;
  refunded_at: Timestamp;
  recorded_at: ColumnType<Date, string | undefined, never>;
}

export interface Database {
  orders: OrdersTable;
  order_waybills: OrderWaybillsTable;
  order_versions: OrderVersionsTable;
  historical_orders: HistoricalOrdersTable;
  import_checkpoints: ImportCheckpointsTable;
  import_rejects: ImportRejectsTable;
  raw_payloads: RawPayloadsTable;
  order_write_modes: OrderWriteModesTable;
  shadow_writes: ShadowWritesTable;
  searchable_orders: SearchableOrdersTable;
  order_refunds: OrderRefundsTable;
}
