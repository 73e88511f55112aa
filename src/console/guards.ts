import type { Schemas } from './api';

// The API types some fields as unknown (the canonical order, a hold): read them through these
// checks, never a cast, so a shape the console does not know shows as missing, not as garbage.
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export type Address = Extract<Schemas['Decision'], { action: 'edit' }>['address'];

/** The delivery address of a canonical order, as far as the console edits it. */
export function addressOf(order: unknown): Address | null {
  if (!isRecord(order) || !isRecord(order['address'])) return null;
  const a = order['address'];
  const country = strOrNull(a['country']);
  if (!country) return null;
  const detail = isRecord(a['detail']) ? a['detail'] : null;
  return {
    country,
    province: strOrNull(a['province']),
    city: strOrNull(a['city']),
    district: strOrNull(a['district']),
    street: strOrNull(a['street']),
    ...(detail ? { detail: { ciphertext: strOrNull(detail['ciphertext']), masked: strOrNull(detail['masked']), plaintext: strOrNull(detail['plaintext']) } } : {}),
  };
}

/** A short one-line view of any JSON value (a version's before/after). */
export function brief(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (isRecord(v) && ('city' in v || 'province' in v)) return [v['province'], v['city'], v['district'], v['street']].filter((x) => typeof x === 'string').join(' ');
  return JSON.stringify(v);
}

export interface Readiness {
  status: string;
  checks: { name: string; ok: boolean; reason?: string }[];
}

/** /readyz answers 503 with the same body as its 200: read either. */
export function readinessOf(v: unknown): Readiness | undefined {
  if (!isRecord(v) || typeof v['status'] !== 'string' || !Array.isArray(v['checks'])) return undefined;
  const checks = v['checks'].filter(isRecord).map((c) => ({ name: String(c['name']), ok: c['ok'] === true, ...(typeof c['reason'] === 'string' ? { reason: c['reason'] } : {}) }));
  return { status: v['status'], checks };
}

export interface CaseTimelineEntry {
  at: string;
  kind: string;
  text: string;
  actor: string;
}

/** A case's timeline from GET /api/after-sales/{id} (the workflow's snapshot, beyond the summary's fields). */
export function caseTimelineOf(v: unknown): CaseTimelineEntry[] {
  if (!isRecord(v) || !Array.isArray(v['timeline'])) return [];
  return v['timeline'].filter(isRecord).map((e) => ({ at: String(e['at'] ?? ''), kind: String(e['kind'] ?? ''), text: String(e['text'] ?? ''), actor: String(e['actor'] ?? '') }));
}
