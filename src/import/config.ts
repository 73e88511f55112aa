import { z } from 'zod';

/** The mapping an import uses when neither --mapping nor config names one. */
export const DEFAULT_IMPORT_MAPPING = 'import/erp-orders.v1';

/**
 * `import` in config/zhongshu.yaml: historical orders from an old system. `defaults` fills a
 * column that is missing or empty in a row before the mapping sees it: old exports often leave
 * optional amounts blank, and a blank coupon or points amount means none, not unknown.
 */
export const ImportConfig = z
  .object({
    mapping: z.string().regex(/^import\/[a-z0-9-]+\.v\d+$/, 'an import mapping id, import/<name>.v<N>').default(DEFAULT_IMPORT_MAPPING),
    /** The channel imported orders are filed under (orders are unique per channel and id). */
    channel: z.string().min(1).default('import'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'ISO-4217 currency code expected').default('CNY'),
    /** Consecutive rows with the same value here are one order (one row per goods line); empty: one row, one order. */
    groupBy: z.string().default('订单编号'),
    defaults: z.record(z.string().min(1), z.union([z.string(), z.number()])).default({ 优惠券抵扣金额: 0, 积分抵扣金额: 0, 积分使用数量: 0 }),
    /** Orders written per transaction (and per checkpoint). */
    batchSize: z.number().int().min(1).max(10_000).default(500),
  })
  .strict();
export type ImportConfig = z.output<typeof ImportConfig>;
