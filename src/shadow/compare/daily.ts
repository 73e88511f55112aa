import type { ChannelConfig } from '../../config/schema.js';
import type { MappingEngine } from '../../mapping/engine.js';
import type { StoreDb } from '../../store/db/connect.js';
import { errorMessage } from '../../util/errors.js';
import type { ShadowConfig } from '../config.js';
import { CHANNEL_MODE } from '../mode.js';
import { summaryLine } from './compare.js';
import { compareDay, configuredSource } from './run.js';

/**
 * The daily summary's shadow lines: each shadow channel's day against its export, or why it could
 * not be compared (no export path, the file not there). Never throws: the summary goes out anyway.
 */
export function dailyShadowSummary(d: { store: StoreDb | null; engine: MappingEngine; channels: readonly ChannelConfig[]; config: ShadowConfig }): (date: string) => Promise<string[]> {
  return async (date) => {
    const shadow = d.channels.filter((c) => c.mode === CHANNEL_MODE.SHADOW);
    const out: string[] = [];
    for (const ch of shadow) {
      const cmp = d.config.compare;
      const source = configuredSource(cmp, ch.id, date);
      if (!d.store || !source) {
        out.push(`shadow ${ch.id}: not compared (${d.store ? 'neither shadow.compare.csvPath nor shadow.compare.odbc is set' : 'no order store'})`);
        continue;
      }
      try {
        const r = await compareDay({ store: d.store, engine: d.engine }, { channel: ch.id, currency: ch.currency, date, utcOffset: cmp.utcOffset, source, mapping: cmp.mapping });
        out.push(`${summaryLine(r)}${r.rejects.length ? `, ${r.rejects.length} export row(s) rejected` : ''}`);
      } catch (err) {
        out.push(`shadow ${ch.id}: not compared (${errorMessage(err)})`);
      }
    }
    return out;
  };
}
