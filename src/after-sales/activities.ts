import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { HubConfig } from '../config/schema.js';
import { ReturnsPool } from '../inventory/returns.js';
import type { Logger } from '../logger.js';
import { CASE_STATE, SLA_NOTIFY_KIND } from '../../workflows/after-sales/constants.js';
import type { CaseSettings, CaseSnapshot } from '../../workflows/after-sales/types.js';
import { CaseJoins } from './joins.js';
import { CaseStore } from './store.js';

export interface AfterSalesActivityDeps {
  redis: Redis;
  keyPrefix: string;
  logger: Logger;
  config: Pick<HubConfig, 'afterSales' | 'lifecycle'>;
}

/** The case settings from config, as plain JSON the workflow keeps for its life. */
export function caseSettings(config: AfterSalesActivityDeps['config']): CaseSettings {
  const a = config.afterSales;
  const notify = config.lifecycle.notify;
  return {
    slaHours: a.slaHours,
    assignment: a.assignment.map((r) => ({ ...r, assignee: { ...r.assignee } })),
    defaultAssignee: { ...a.defaultAssignee },
    supervisors: { ...a.supervisors },
    notifyConnector: notify[SLA_NOTIFY_KIND] ?? notify['*'] ?? null,
    warehouse: a.returns.warehouse ?? config.lifecycle.warehouse,
    returns: { disposition: a.returns.disposition, quarantineLocation: a.returns.quarantineLocation },
  };
}

/** YYYYMMDD of `iso` in the configured UTC offset (cases are numbered per local day). */
export function dayStamp(iso: string, offsetMinutes: number): string {
  const t = Date.parse(iso);
  const d = new Date((Number.isNaN(t) ? Date.now() : t) + offsetMinutes * 60_000);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

const CaseLineIds = z.array(z.looseObject({ lineId: z.string() }));

export function createAfterSalesActivities(deps: AfterSalesActivityDeps) {
  const store = new CaseStore(deps.redis, deps.keyPrefix);
  const returns = new ReturnsPool(deps.redis, deps.keyPrefix);
  const joins = new CaseJoins(deps.redis, deps.keyPrefix);
  /** An open platform case of the order naming the line, from the read model: cases opened before line claims existed. */
  const platformCaseOfLine = async (orderKey: string, lineId: string, except: string): Promise<string | null> => {
    for (const key of await store.ofOrder(orderKey)) {
      if (key === except) continue;
      const c = await store.get(key);
      if (!c || c.platformCaseId === null || c.state === CASE_STATE.CLOSED) continue;
      const lines = CaseLineIds.safeParse(c['lines']);
      if (lines.success && lines.data.some((l) => l.lineId === lineId)) return key;
    }
    return null;
  };
  return {
    async afterSalesSettings(): Promise<CaseSettings> {
      return caseSettings(deps.config);
    },
    async allocateCaseNumber(input: { caseKey: string; openedAt: string }): Promise<{ caseNumber: string }> {
      return { caseNumber: await store.allocateNumber(input.caseKey, dayStamp(input.openedAt, deps.config.afterSales.numberUtcOffsetMinutes)) };
    },
    async saveCase(input: { caseKey: string; version: number; summary: CaseSnapshot }): Promise<{ saved: boolean }> {
      return { saved: await store.save(input.caseKey, input.version, input.summary) };
    },
    /**
     * The lifecycle asks before it opens a refund-after-pickup case for a line: the answer is the
     * case the line's after-sale belongs to, its own key unless the platform's case came first.
     */
    async claimCaseLine(input: { orderKey: string; lineId: string; caseKey: string }): Promise<{ owner: string }> {
      const claimed = await joins.lineOwner(input.orderKey, input.lineId);
      const first = claimed ?? (await platformCaseOfLine(input.orderKey, input.lineId, input.caseKey)) ?? input.caseKey;
      return { owner: await joins.claimLine(input.orderKey, input.lineId, first) };
    },
    /** Exactly once per restockKey, however often the workflow or the warehouse repeats it. */
    async restockReturn(input: { restockKey: string; warehouse: string; lines: { lineId: string; sku: string; qty: number }[]; disposition: 'restock' | 'quarantine'; location: string }): Promise<{ applied: boolean; disposition: 'restock' | 'quarantine'; location: string }> {
      const r = await returns.putBack({ restockKey: input.restockKey, warehouse: input.warehouse, lines: input.lines, disposition: input.disposition, location: input.location });
      deps.logger.info({ event: 'return_put_back', restockKey: input.restockKey, warehouse: input.warehouse, disposition: input.disposition, applied: r.applied, units: input.lines.reduce((n, l) => n + l.qty, 0) }, 'returned goods put back');
      return { applied: r.applied, disposition: input.disposition, location: input.location };
    },
  };
}

export type AfterSalesActivities = ReturnType<typeof createAfterSalesActivities>;
