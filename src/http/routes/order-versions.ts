import { z } from 'zod';
import { Address } from '../../canonical/order.js';
import type { OrderVersion } from '../../store/db/reader.js';

export const VersionsQuery = z.object({ format: z.enum(['json', 'csv']).default('json') }).strict();

const ChangeList = z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() }));

/** RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

const shown = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v));

/**
 * An order's trail as CSV, one row per changed field, UTF-8 with a BOM so Excel reads the Chinese
 * text right. Changes were masked when recorded; nothing here unmasks them.
 */
export function versionsCsv(workflowId: string, versions: OrderVersion[]): string {
  const rows = [['workflow_id', 'seq', 'at', 'actor', 'cause', 'field', 'before', 'after']];
  for (const v of versions) {
    const changes = ChangeList.safeParse(v.changes);
    for (const c of changes.success ? changes.data : [{ field: '(unreadable)', before: null, after: null }]) {
      rows.push([workflowId, String(v.seq), v.at, v.actor, v.cause, c.field, shown(c.before), shown(c.after)]);
    }
  }
  return `\uFEFF${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}

export const RollbackBody = z
  .object({
    /** A rollback re-issues waybills like any address change: a second confirmation. */
    confirm: z.literal(true, { message: 'a rollback needs "confirm": true' }),
    cause: z.string().min(1).max(500).optional(),
  })
  .strict()
  .meta({ id: 'RollbackOrder' });

/** What a stored version lets a rollback re-apply. */
export const Restorable = z.object({ address: Address }).loose();
