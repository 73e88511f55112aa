import { z } from 'zod';
import { IMPORT_ENCODING } from '../import/encoding.js';
import { secretRef, type Env } from '../config/env-ref.js';

/** The mapping the daily comparison reads the old system's export with by default. */
export const DEFAULT_SHADOW_MAPPING = 'shadow/legacy-outcome.v1';
export const SHADOW_MAPPING_REF = /^shadow\/[a-z0-9-]+\.v\d+$/;

/** `shadow` in config: how the shadow run's channels are compared with the old system each day. */
export function shadowConfigSchema(env: Env) {
  return z
  .object({
    compare: z
      .object({
        mapping: z.string().regex(SHADOW_MAPPING_REF, 'a shadow mapping id, shadow/<name>.v<N>').default(DEFAULT_SHADOW_MAPPING).describe('the mapping one row of the old system\'s export goes through (same engine as every mapping)'),
        csvPath: z
          .string()
          .min(1)
          .optional()
          .describe("the old system's daily export (CSV, XLSX or JSON lines); {channel} and {date} (YYYY-MM-DD) are filled in, e.g. /exports/{channel}-{date}.csv. Unset: no comparison in the daily summary"),
        encoding: z.enum(IMPORT_ENCODING).optional().describe('CSV encoding: utf8, gbk or gb18030; default: detected'),
        utcOffset: z
          .string()
          .regex(/^[+-]\d\d:\d\d$/, 'expected an offset like +08:00')
          .default('+08:00')
          .describe('where a day starts and ends for the comparison (orders by the time the hub received them)'),
        odbc: z
          .object({
            connectionString: secretRef(env).describe("the old system's database over unixODBC, e.g. ${OLD_ERP_ODBC} (Driver=PostgreSQL Unicode;Server=...)"),
            query: z.string().min(1).describe('one row per order of a channel and day: ? is the channel, then ? the date (YYYY-MM-DD), in that order; columns as the shadow mapping reads them'),
          })
          .strict()
          .optional()
          .describe('read the old system over ODBC instead of an export file (csvPath wins when both are set)'),
      })
      .strict()
      .prefault({}),
  })
  .strict();
}
export type ShadowConfig = z.output<ReturnType<typeof shadowConfigSchema>>;
