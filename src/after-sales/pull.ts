import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { z } from 'zod';
import { createInvokeAdapter } from '../activities/invoke-adapter.js';
import type { ChannelConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { MappingEngine } from '../mapping/engine.js';
import type { ResilienceLayers } from '../resilience/index.js';
import { CAPABILITY } from '../sdk/capabilities.js';
import type { AdapterRegistry } from '../sdk/registry.js';
import { errorMessage } from '../util/errors.js';
import type { OrderIntake } from '../intake/order-intake.js';
import type { CaseIntake } from './intake.js';
import { CASE_FROM_PULL } from './platforms/pulled-index.js';

export interface AfterSalesPullDeps {
  channels: readonly ChannelConfig[];
  registry: AdapterRegistry;
  mappings: MappingEngine;
  cases: Pick<CaseIntake, 'open'>;
  logger: Logger;
  /** Records a case already took, by body hash (intake's delivery dedupe): an unchanged re-read goes to nobody. */
  seen?: Pick<OrderIntake, 'seenDelivery' | 'rememberDelivery'>;
  resilience?: ResilienceLayers | null;
}

export interface AfterSalesPullResult {
  pages: number;
  read: number;
  /** Records handed to their case (opened, or news for the running one; a repeat changes nothing there). */
  delivered: number;
  /** Records whose case has ended already. */
  ended: number;
  /** Records that could not be read (logged with the field and reason). */
  unreadable: number;
  /** Records read again exactly as a case already took them (the window's overlap): handed to nobody. */
  unchanged: number;
}

/** What every built-in aftersales.pull returns (adapters/<platform>/operations/refund-pull.ts). */
const PullOutput = z.looseObject({ refunds: z.array(z.unknown()), nextPage: z.union([z.number().int(), z.string().min(1)]).nullable() });

/** The platforms whose after-sales the order poll also reads (a connector offering aftersales.pull and a translation). */
export function pullsAfterSales(registry: AdapterRegistry, channel: ChannelConfig): boolean {
  if (!channel.connector || !registry.supports(channel.connector, CAPABILITY.AFTER_SALES_PULL)) return false;
  return CASE_FROM_PULL[registry.adapterOf(channel.connector) ?? channel.adapter] !== undefined;
}

/**
 * The after-sales half of a poll window: every page of the channel's aftersales.pull for the
 * window the orders were just read for, each record to its case through CaseIntake (signal with
 * start on the case key, so a record read again by an overlapping window changes nothing).
 * Returns once every record is with its case: the poll moves its cursor only after that.
 */
export function createAfterSalesPullActivities(d: AfterSalesPullDeps) {
  const invoke = createInvokeAdapter({ registry: d.registry, mappings: d.mappings, logger: d.logger, resilience: d.resilience ?? null });
  return {
    async pullAfterSalesWindow(input: { channel: string; window: { start: string; end: string }; idempotencyKey: string }): Promise<AfterSalesPullResult> {
      const ch = d.channels.find((c) => c.id === input.channel);
      if (!ch?.connector) throw ApplicationFailure.nonRetryable(`no channel "${input.channel}" with a connector is configured on this worker`, 'UnknownChannel');
      const adapter = d.registry.adapterOf(ch.connector) ?? ch.adapter;
      const translate = CASE_FROM_PULL[adapter];
      if (!translate) throw ApplicationFailure.nonRetryable(`channel ${ch.id}: adapter ${adapter} has no after-sales translation`, 'CapabilityNotSupported');
      const res: AfterSalesPullResult = { pages: 0, read: 0, delivered: 0, ended: 0, unreadable: 0, unchanged: 0 };
      let page: number | string | null = null;
      for (;;) {
        const raw = await invoke({ connector: ch.connector, capability: CAPABILITY.AFTER_SALES_PULL, idempotencyKey: `${input.idempotencyKey}:${page ?? 'first'}`, input: page === null ? { window: input.window } : { window: input.window, page } });
        const out = PullOutput.safeParse(raw);
        if (!out.success) throw ApplicationFailure.nonRetryable(`connector ${ch.connector}: aftersales.pull returned ${out.error.issues[0]?.message ?? 'an unexpected shape'}`, 'AdapterContractViolation');
        res.pages++;
        for (const record of out.data.refunds) {
          res.read++;
          // Every poll reads its overlap again; a record its case already took, byte for byte,
          // is news to nobody (the case would drop it as a repeat after lookups, a signal and a task).
          const bodyHash = d.seen ? createHash('sha256').update(JSON.stringify(record)).digest('hex') : null;
          if (bodyHash && d.seen && (await d.seen.seenDelivery(ch.id, null, bodyHash))) {
            res.unchanged++;
            continue;
          }
          const c = translate({ channel: ch, record });
          if (c instanceof Error) {
            res.unreadable++;
            d.logger.warn({ channel: ch.id, window: input.window, err: c.message }, 'pulled after-sale not readable: no case opened or updated');
            continue;
          }
          try {
            const opened = await d.cases.open(c);
            if (opened.delivered) res.delivered++;
            else res.ended++;
            if (bodyHash) await d.seen?.rememberDelivery(ch.id, null, bodyHash);
          } catch (err) {
            throw new Error(`case ${c.caseKey} not reached, the page is read again: ${errorMessage(err)}`);
          }
          Context.current().heartbeat({ window: input.window.start, page });
        }
        if (out.data.nextPage === null) break;
        if (out.data.nextPage === page) throw ApplicationFailure.nonRetryable(`channel ${ch.id}: aftersales.pull returned page ${String(page)} as its own next page`, 'AdapterContractViolation');
        page = out.data.nextPage;
      }
      d.logger.debug({ channel: ch.id, window: input.window, ...res }, 'after-sales window read');
      return res;
    },
  };
}

export type AfterSalesPullActivities = ReturnType<typeof createAfterSalesPullActivities>;
