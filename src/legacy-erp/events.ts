import { z } from 'zod';
import { MAX_QTY } from '../inventory/schema.js';
import { formatPath } from '../config/load.js';
import { MappingError, parseMappingId, type MappingEngine } from '../mapping/engine.js';

export const ERP_EVENT_TYPES = ['order.approved', 'order.shipped', 'stock.changed'] as const;

/** The envelope every ERP event has; checked before mapping, so bad input is a 4xx naming the field. */
export const ErpEventEnvelope = z
  .object({
    id: z.string().min(1, 'required').max(200),
    type: z.enum(ERP_EVENT_TYPES),
    occurredAt: z.string().optional(),
    data: z.record(z.string(), z.unknown()),
  })
  .loose();
export type ErpEventEnvelope = z.infer<typeof ErpEventEnvelope>;

/** What an ERP event mapping must produce: one command for the hub. */
export const ErpCommand = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('order'), order: z.record(z.string(), z.unknown()) }),
  z.object({ kind: z.literal('shipped'), orderNo: z.string().min(1), trackingNo: z.string().min(1), carrier: z.string().nullable().default(null), at: z.iso.datetime({ offset: true }) }),
  z.object({
    kind: z.literal('stock'),
    warehouse: z.string().min(1).nullable().default(null),
    // Capped as the inventory pool caps it: past it the count would fail there, as a 500.
    items: z.array(z.object({ sku: z.string().min(1), onHand: z.number().int().nonnegative().max(MAX_QTY) })).min(1),
    at: z.iso.datetime({ offset: true }).nullable().default(null),
  }),
]);
export type ErpCommand = z.infer<typeof ErpCommand>;

/** Maps an event with its JSONata mapping and validates the command; failures are MappingErrors (quarantined by the caller). */
export async function mapErpEvent(engine: MappingEngine, mappingId: string, event: unknown): Promise<ErpCommand> {
  const out = await engine.evaluate(mappingId, event);
  const r = ErpCommand.safeParse(out);
  if (r.success) return r.data;
  const ref = parseMappingId(mappingId);
  const issues = r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  const first = issues[0];
  throw new MappingError(mappingId, ref ? engine.fileFor(ref) : undefined, 'E_SCHEMA', `output fails the ERP command schema: ${first ? `${first.path}: ${first.message}` : 'invalid'}${issues.length > 1 ? ` (+${issues.length - 1} more)` : ''}`, undefined, issues);
}
