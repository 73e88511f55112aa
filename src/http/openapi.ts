import { z } from 'zod';
import { CanonicalOrder } from '../canonical/order.js';
import { QuarantineEntry, QuarantineSummary } from '../store/quarantine.js';
import { ErrorBody } from './errors.js';
import { AddressChangeBody, CancelBody, OrderStateResponse, TrackingBody } from './routes/orders.js';
import { DecisionBody } from './routes/decisions.js';
import { OrderSearchQuery, OrderSummaryDoc } from './routes/orders-search.js';
import { DiffBody } from './routes/mappings.js';
import { RollbackBody, VersionsQuery } from './routes/order-versions.js';
import { DecisionRequest } from '../store/decisions.js';
import { StalledParcel } from '../tracking/parcels.js';
import { CaseListQuery, OpenCaseBody } from './routes/after-sales.js';
import { QuarantineListQuery } from './routes/quarantine.js';
import { ReconciliationQuery } from './routes/finance.js';
import { ShadowCompareQuery } from './routes/shadow.js';
import { AssignBody, CloseBody, NoteBody, ReturnBody, StateBody } from './routes/after-sales-actions.js';
import { CaseSummary } from '../after-sales/schema.js';
import { SessionResponse, StatusResponse } from './routes/session.js';

interface Operation {
  method: 'get' | 'post';
  path: string;
  summary: string;
  roles?: string[];
  request?: z.ZodType;
  /** GET filters: each field a query parameter. */
  query?: z.ZodObject;
  response: z.ZodType;
  errors?: number[];
}

const AcceptedBody = z.object({ ok: z.boolean(), orderKey: z.string().optional(), workflowId: z.string().optional(), duplicate: z.boolean() }).meta({ id: 'WebhookAccepted' });

/** Every operation the hub serves; the document below is generated from these zod schemas. */
const PayloadRef = z.object({ payloadId: z.string(), channel: z.string(), receivedAt: z.string(), error: z.string() });
const DiffReportBody = z.object({
  from: z.string(),
  to: z.string(),
  payloads: z.number().int(),
  identical: z.number().int(),
  changed: z.number().int(),
  bothFail: z.number().int(),
  fields: z.array(z.object({ path: z.string(), count: z.number().int(), examples: z.array(z.object({ payloadId: z.string(), before: z.unknown(), after: z.unknown() })) })),
  newlyFailing: z.array(PayloadRef),
  newlySucceeding: z.array(PayloadRef),
  /** Pass as `cursor` for the next page of payloads; null on the last page. Each page reports its own payloads. */
  nextCursor: z.string().nullable(),
});

export const OPERATIONS: Operation[] = [
  { method: 'get', path: '/healthz', summary: 'Process is up', response: z.object({ status: z.literal('ok') }) },
  { method: 'get', path: '/readyz', summary: 'Temporal and Redis reachable (503 naming the failing check otherwise)', response: z.object({ status: z.string(), checks: z.array(z.object({ name: z.string(), ok: z.boolean(), reason: z.string().optional() })) }), errors: [503] },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics (text exposition format); with auth.metrics.requireKey a key with one of auth.metrics.roles (default sre, platform_engineer)', response: z.string(), errors: [401, 403] },
  { method: 'post', path: '/webhooks/shopify', summary: 'Shopify order webhook (X-Shopify-Hmac-Sha256 signed)', response: AcceptedBody, errors: [400, 401, 413, 422, 429, 503] },
  { method: 'post', path: '/webhooks/{adapter}/{channel}', summary: 'Pushes of platforms whose adapter verifies them (Youzan, Douyin): deduplicated by message id, orders mapped and started; answers {code:0,msg:"success"}', response: z.object({ code: z.number(), msg: z.string() }), errors: [400, 401, 404, 413, 429, 503] },
  { method: 'post', path: '/webhooks/legacy-erp/{channel}', summary: 'Legacy ERP events (order.approved, order.shipped, stock.changed): X-Zhongshu-Signature = sha256=hex(HMAC-SHA256(secret, X-Zhongshu-Timestamp + "." + raw body)) within 5 minutes, or X-Api-Key; deduplicated by event id; mapping failures kept in quarantine (422 with quarantineId)', response: z.object({ ok: z.boolean(), id: z.string(), type: z.string(), result: z.string(), orderKey: z.string().optional(), duplicate: z.boolean().optional() }), errors: [400, 401, 404, 413, 422, 429, 503] },
  { method: 'post', path: '/webhooks/sf-express/routes/{token}', summary: 'SF route push receiver (opCode 50 pickup, 80 delivery); the token is webhooks.sfRoutePushToken', response: z.object({ return_code: z.string(), return_msg: z.string() }), errors: [400, 404, 413, 429, 503] },
  { method: 'post', path: '/webhooks/kdniao/push/{token}', summary: "KDNiao track push (RequestType 101, DataSign checked with the tracking robot's KDNiao AppKey); the token is tracking.pushToken", response: z.object({ EBusinessID: z.string(), UpdateTime: z.string(), Success: z.boolean(), Reason: z.string() }), errors: [400, 401, 404, 503] },
  { method: 'get', path: '/api/tracking/stalled', summary: 'Parcels the tracking robot flagged: no tracking news for tracking.stalledHours, a carrier problem (KDNiao State 4), or given up', roles: ['warehouse', 'customer_service', 'sre'], response: z.object({ items: z.array(StalledParcel) }), errors: [400, 401, 403] },
  { method: 'get', path: '/api/orders', summary: 'Search the order store. Query filters (all optional, combined): platformOrderId, waybillNo (any waybill the order had), shop, channel, platform, state, holdReason, sku, paidFrom/paidTo (ISO-8601 with offset, [from, to)), buyerPhone (hashed with the configured key) or buyerPhoneHash, province, city; sort (receivedAt, -receivedAt, paidAmount, -paidAmount), limit (1-500, 50), cursor (from nextCursor). 400 names the bad parameter; 503 without a store', roles: ['any'], query: OrderSearchQuery, response: z.object({ orders: z.array(OrderSummaryDoc), totals: z.object({ orders: z.number().int(), paid: z.array(z.object({ minor: z.number().int(), currency: z.string() })) }), nextCursor: z.string().nullable() }), errors: [400, 401, 403, 503] },
  { method: 'get', path: '/api/orders/{id}', summary: 'An order\'s lifecycle state and timeline from its workflow, with the store\'s copy (seq, waybills, confirmations) and a link to its Temporal history; from the store alone when the workflow cannot answer', roles: ['any'], response: OrderStateResponse, errors: [401, 403, 404, 503] },
  { method: 'get', path: '/api/orders/{id}/versions', summary: 'The order\'s audit trail from the store: each change of state, platform status, hold reason, waybill, address (masked), refunds or lines, with who, when and why; ?format=csv gives a UTF-8 (BOM) CSV, one row per changed field', roles: ['any'], query: VersionsQuery, response: z.object({ workflowId: z.string(), versions: z.array(z.object({ seq: z.number().int(), at: z.string(), actor: z.string(), cause: z.string(), changes: z.unknown() })) }), errors: [400, 401, 403, 404, 503] },
  { method: 'post', path: '/api/orders/{id}/versions/{seq}/rollback', summary: 'Roll back to a version: its address goes through the normal change path (re-issue or overwrite like any change) and becomes a new version. Needs confirm: true', roles: ['operations_lead'], request: RollbackBody, response: z.object({ ok: z.boolean(), rolledBackTo: z.number().int(), outcome: z.string(), waybillNo: z.string().nullable(), carrier: z.string().nullable() }), errors: [400, 401, 403, 404, 409, 503] },
  { method: 'post', path: '/api/orders/{id}/cancel', summary: 'Cancel before pickup; compensations run in reverse (waybill, WMS, stock). Needs confirm: true', roles: ['operations_lead'], request: CancelBody, response: z.object({ ok: z.boolean(), cancelled: z.boolean(), state: z.string(), failedCompensations: z.array(z.string()) }), errors: [400, 401, 403, 404, 409] },
  { method: 'post', path: '/api/orders/{id}/address', summary: 'Change the delivery address: updated (no waybill yet), overwritten, reissued, or needs_review with the reason', roles: ['customer_service'], request: AddressChangeBody, response: z.object({ ok: z.boolean(), outcome: z.enum(['updated', 'overwritten', 'reissued', 'needs_review']), reason: z.string().optional(), waybillNo: z.string().nullable(), carrier: z.string().nullable(), superseded: z.boolean() }), errors: [400, 401, 403, 404, 409] },
  { method: 'post', path: '/api/orders/{id}/tracking', summary: 'Report pickup or delivery (courier integrations, warehouse staff)', roles: ['warehouse'], request: TrackingBody, response: z.object({ ok: z.boolean() }), errors: [400, 401, 403, 404] },
  { method: 'get', path: '/api/decisions', summary: 'The pending-decision queue: held orders and why', roles: ['customer_service', 'sre'], response: z.object({ items: z.array(DecisionRequest) }), errors: [401, 403] },
  { method: 'post', path: '/api/decisions/{orderId}', summary: 'Approve, reject (cancel with compensation) or edit (corrected address) a held order', roles: ['operations_lead'], request: DecisionBody, response: z.object({ ok: z.boolean(), orderKey: z.string(), state: z.string(), hold: z.unknown() }), errors: [400, 401, 403, 404, 409] },
  { method: 'get', path: '/api/quarantine', summary: 'Payloads that failed mapping, kept for replay', roles: ['platform_engineer', 'sre'], query: QuarantineListQuery, response: z.object({ items: z.array(QuarantineSummary), total: z.number().int() }), errors: [401, 403] },
  { method: 'get', path: '/api/quarantine/{id}', summary: 'One quarantined payload, without its raw body; id is a UUID', roles: ['platform_engineer', 'sre'], response: QuarantineSummary, errors: [400, 401, 403, 404] },
  { method: 'get', path: '/api/quarantine/{id}/raw', summary: 'The raw body as received (buyer PII): only for the roles in quarantine.rawBodyRoles (default platform_engineer)', roles: ['platform_engineer'], response: QuarantineEntry.pick({ id: true, rawBody: true }), errors: [400, 401, 403, 404] },
  { method: 'get', path: '/api/quarantine/{id}/masked', summary: 'The kept body with every value under a PII-looking key masked (pretty JSON; a non-JSON body is not shown)', roles: ['platform_engineer', 'sre'], response: z.object({ id: z.string(), masked: z.string() }), errors: [400, 401, 403, 404] },
  { method: 'post', path: '/api/quarantine/{id}/replay', summary: 'Map the kept payload again with the current mapping and start the order', roles: ['platform_engineer', 'sre'], response: AcceptedBody, errors: [400, 401, 403, 404, 422] },
  { method: 'get', path: '/api/mappings', summary: 'Loaded mappings and any compile errors', roles: ['platform_engineer'], response: z.object({ mappings: z.array(z.object({ id: z.string(), file: z.string(), loadedAt: z.string(), error: z.string().optional() })) }), errors: [401, 403] },
  { method: 'post', path: '/api/mappings/diff', summary: 'Run two versions of a mapping over the kept inbound payloads (since, channel): identical count, changed canonical fields with masked examples, newly failing and newly succeeding payloads; `limit` payloads per page (default 1000), `cursor` = nextCursor of the previous page. Only platform_engineer (no operations_lead override): kept payloads are raw buyer data', roles: ['platform_engineer'], request: DiffBody, response: DiffReportBody, errors: [400, 401, 403, 404, 503] },
  { method: 'post', path: '/api/mappings/{adapter}/{mapping}/dry-run', summary: 'Map an arbitrary body with a mapping (e.g. shopify/order.v1) and validate it; nothing is stored', roles: ['platform_engineer'], request: z.unknown().meta({ description: 'The payload as the platform would send it (JSON)' }), query: z.object({ channel: z.string().optional().meta({ description: 'Map with this channel\'s platform, shop and currency' }) }), response: z.object({ ok: z.boolean(), mappingId: z.string(), order: CanonicalOrder }), errors: [400, 401, 403, 404, 422] },
  {
    method: 'get',
    path: '/api/shadow/compare',
    summary: "A shadow channel's day (date=YYYY-MM-DD at shadow.compare.utcOffset) against the old system's outputs (the export at shadow.compare.csvPath, or its database over shadow.compare.odbc, through shadow.compare.mapping): per order matched, differing (field, hub value, old-system value; addresses masked) or missing on either side, with counts per field and the export rows that could not be read; format=json|csv",
    roles: ['platform_engineer'],
    query: ShadowCompareQuery,
    response: z.object({
      channel: z.string(),
      from: z.string(),
      to: z.string(),
      source: z.string(),
      totals: z.object({ matched: z.number().int(), differing: z.number().int(), missing_in_hub: z.number().int(), missing_in_legacy: z.number().int() }),
      byField: z.record(z.string(), z.number().int()),
      orders: z.array(z.object({ orderId: z.string(), result: z.enum(['matched', 'differing', 'missing_in_hub', 'missing_in_legacy']), differences: z.array(z.object({ field: z.string(), hub: z.string(), legacy: z.string() })) })),
      rejects: z.array(z.object({ row: z.number().int(), field: z.string(), reason: z.string() })),
    }),
    errors: [400, 401, 403, 404, 409, 422, 503],
  },
  { method: 'get', path: '/api/finance/reconciliation', summary: 'The month per platform, shop and day (orders, goods, freight, seller and platform discounts, received, commission with its estimated part, refunds in the month they were paid out, net) with totals; query month=YYYY-MM, format=json|csv (UTF-8 with BOM), view=summary|detail (detail streams one row per order and day; JSON detail is NDJSON ending in a totals line); money as decimal strings from integer minor units', roles: ['finance'], query: ReconciliationQuery, response: z.object({ month: z.string(), utcOffset: z.string(), from: z.string(), to: z.string(), rows: z.array(z.record(z.string(), z.union([z.string(), z.number()]))), totals: z.array(z.record(z.string(), z.union([z.string(), z.number()]))), skippedUnpaid: z.number().int(), refundsWithoutAmounts: z.number().int() }), errors: [400, 401, 403, 503] },
  { method: 'get', path: '/api/after-sales', summary: 'After-sales cases, newest first; filters state, type, platform, assignee, orderKey, open, q (case number, order key, platform id). Refund viewers (afterSales.roles.viewRefunds, default finance) see refund cases only', roles: ['customer_service', 'finance'], query: CaseListQuery, response: z.object({ items: z.array(CaseSummary), total: z.number().int() }), errors: [400, 401, 403] },
  { method: 'get', path: '/api/after-sales/{id}', summary: 'One case with its timeline, from its workflow; id is the case number (AS-YYYYMMDD-NNNN) or the URL-encoded case key', roles: ['customer_service', 'finance'], response: CaseSummary, errors: [401, 403, 404] },
  { method: 'post', path: '/api/after-sales', summary: 'Customer service opens a case for an order (same workflow as a platform case); requestId makes a repeat open nothing new', roles: ['customer_service'], request: OpenCaseBody, response: z.object({ ok: z.boolean(), caseKey: z.string(), alreadyClosed: z.boolean() }), errors: [400, 401, 403, 503] },
  { method: 'post', path: '/api/after-sales/{id}/assign', summary: 'Assign the case to a team or a person (progress: restarts the SLA clock)', roles: ['customer_service'], request: AssignBody, response: z.object({ ok: z.boolean(), case: CaseSummary }), errors: [400, 401, 403, 404, 409] },
  { method: 'post', path: '/api/after-sales/{id}/notes', summary: 'Add a note to the case timeline (progress)', roles: ['customer_service'], request: NoteBody, response: z.object({ ok: z.boolean(), case: CaseSummary }), errors: [400, 401, 403, 404, 409] },
  { method: 'post', path: '/api/after-sales/{id}/state', summary: 'Move the case to in_progress or awaiting_return; refunded follows the platform, return_received the warehouse, closed a close with a reason (409 otherwise)', roles: ['customer_service'], request: StateBody, response: z.object({ ok: z.boolean(), case: CaseSummary }), errors: [400, 401, 403, 404, 409] },
  { method: 'post', path: '/api/after-sales/{id}/close', summary: 'Resolve and close the case with a reason', roles: ['customer_service'], request: CloseBody, response: z.object({ ok: z.boolean(), case: CaseSummary }), errors: [400, 401, 403, 404, 409] },
  { method: 'post', path: '/api/after-sales/{id}/return-received', summary: 'The returned goods are at the warehouse: restocked (or moved to afterSales.returns.quarantineLocation) exactly once', roles: ['warehouse', 'customer_service'], request: ReturnBody, response: z.object({ ok: z.boolean(), case: CaseSummary }), errors: [400, 401, 403, 404, 409] },
  { method: 'get', path: '/api/session', summary: 'The presented key: its name and roles (what a client such as the console may offer; every route still checks)', roles: ['any'], response: SessionResponse, errors: [401] },
  { method: 'get', path: '/api/status', summary: "This process's circuit breakers that are not closed, each polled channel's cursor with its lag and lost ranges, notifications waiting per robot or given up, this task queue's Temporal schedules with last and next run (null with schedulesError when Temporal cannot list them), and rate-limit waits and refusals per connector since the process started", roles: ['sre', 'platform_engineer'], response: StatusResponse, errors: [401, 403] },
  { method: 'post', path: '/api/quarantine/{id}/discard', summary: 'Drop a quarantined payload (audited)', roles: ['platform_engineer', 'sre'], response: z.object({ ok: z.boolean(), discarded: z.string() }), errors: [400, 401, 403, 404] },
];

export function buildOpenApi(version: string): Record<string, unknown> {
  const registry = z.registry<{ id?: string }>();
  const components: Record<string, unknown> = {};
  // A schema with an id (.meta({ id })) comes out as a $ref into its own `definitions`, which an
  // OpenAPI 3 document cannot hold: they move to components.schemas and the refs follow them.
  const hoist = (js: Record<string, unknown>): Record<string, unknown> => {
    const { definitions, $defs, ...rest } = js;
    for (const defs of [definitions, $defs]) {
      if (typeof defs !== 'object' || defs === null) continue;
      for (const [name, def] of Object.entries(defs)) components[name] = retarget(def);
    }
    return retarget(rest) as Record<string, unknown>;
  };
  const schemaOf = (s: z.ZodType) => hoist(z.toJSONSchema(s, { target: 'openapi-3.0', unrepresentable: 'any', io: 'output', metadata: registry }));
  const inputSchema = (s: z.ZodType) => hoist(z.toJSONSchema(s, { target: 'openapi-3.0', unrepresentable: 'any', io: 'input' }));
  components['Error'] = schemaOf(ErrorBody);
  components['CanonicalOrder'] = schemaOf(CanonicalOrder);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const responses: Record<string, unknown> = {
      '200': {
        description: 'OK',
        content: op.path === '/metrics' ? { 'text/plain': { schema: { type: 'string' } } } : { 'application/json': { schema: schemaOf(op.response) } },
      },
    };
    for (const code of op.errors ?? []) responses[String(code)] = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    const params: Record<string, unknown>[] = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    for (const [name, field] of Object.entries(op.query?.shape ?? {})) params.push({ name, in: 'query', required: false, schema: inputSchema(field) });
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      ...(op.roles ? { security: [{ apiKey: [] }, { bearer: [] }], description: `Roles: ${op.roles.join(', ')} (operations_lead may call everything).` } : {}),
      ...(params.length ? { parameters: params } : {}),
      ...(op.request ? { requestBody: { required: true, content: { 'application/json': { schema: inputSchema(op.request) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Zhongshu order hub', version },
    paths,
    components: {
      schemas: components,
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' }, bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}

/** Every `$ref` to `#/definitions/X` or `#/$defs/X` made a ref to `#/components/schemas/X`. */
function retarget(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(retarget);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = k === '$ref' && typeof x === 'string' ? x.replace(/^#\/(?:definitions|\$defs)\//, '#/components/schemas/') : retarget(x);
  return out;
}
