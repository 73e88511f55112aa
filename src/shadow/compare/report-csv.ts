import { stringify } from 'csv-stringify/sync';
import type { ComparisonReport } from './compare.js';

/** One row per order and differing field (a matched or missing order is one row), UTF-8 with BOM for spreadsheets. */
export function comparisonCsv(r: ComparisonReport): string {
  const rows: string[][] = [];
  for (const o of r.orders) {
    if (!o.differences.length) rows.push([r.channel, o.orderId, o.result, '', '', '']);
    for (const d of o.differences) rows.push([r.channel, o.orderId, o.result, d.field, d.hub, d.legacy]);
  }
  return `\uFEFF${stringify(rows, { header: true, columns: ['channel', 'order_id', 'result', 'field', 'hub', 'old_system'] })}`;
}
