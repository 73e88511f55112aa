import type { Redis } from 'ioredis';
import type { HubConfig } from '../config/schema.js';
import { ReturnsPool } from '../inventory/returns.js';
import type { Logger } from '../logger.js';
import { SLA_NOTIFY_KIND } from '../../workflows/after-sales/constants.js';
import type { CaseSettings, CaseSnapshot } from '../../workflows/after-sales/types.js';
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

export function createAfterSalesActivities(deps: AfterSalesActivityDeps) {
  const store = new CaseStore(deps.redis, deps.keyPrefix);
  const returns = new ReturnsPool(deps.redis, deps.keyPrefix);
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
    /** Exactly once per restockKey, however often the workflow or the warehouse repeats it. */
    async restockReturn(input: { restockKey: string; warehouse: string; lines: { lineId: string; sku: string; qty: number }[]; disposition: 'restock' | 'quarantine'; location: string }): Promise<{ applied: boolean; disposition: 'restock' | 'quarantine'; location: string }> {
      const r = await returns.putBack({ restockKey: input.restockKey, warehouse: input.warehouse, lines: input.lines, disposition: input.disposition, location: input.location });
      deps.logger.info({ event: 'return_put_back', restockKey: input.restockKey, warehouse: input.warehouse, disposition: input.disposition, applied: r.applied, units: input.lines.reduce((n, l) => n + l.qty, 0) }, 'returned goods put back');
      return { applied: r.applied, disposition: input.disposition, location: input.location };
    },
  };
}

export type AfterSalesActivities = ReturnType<typeof createAfterSalesActivities>;
