import { z } from 'zod';
import { secret } from '../../src/sdk/connector-config.js';

/** A SKU's material in Kingdee: its number, and its sales unit when it is not the default. */
const Material = z.union([z.string().min(1), z.object({ number: z.string().min(1), unit: z.string().min(1).optional() }).strict()]);

export const kingdeeConfig = z
  .object({
    /** The site root including `/k3cloud`, e.g. https://erp.example.com/k3cloud */
    baseUrl: z.string().url(),
    /** 账套 id (data centre). */
    acctId: z.string().min(1),
    /** The integration user bound to the third-party app (第三方系统登录授权). */
    username: z.string().min(1),
    appId: z.string().min(1),
    appSecret: secret('Kingdee third-party app secret (LoginByAppSecret)'),
    /** 2052 = Simplified Chinese. */
    lcid: z.number().int().default(2052),
    saleOrgNumber: z.string().min(1),
    /** The customer sales orders are booked to, unless the channel has its own. */
    customerNumber: z.string().min(1),
    customerByChannel: z.record(z.string().min(1), z.string().min(1)).default({}),
    /** XSDD01_SYS = the standard sales order type. */
    billTypeNumber: z.string().min(1).default('XSDD01_SYS'),
    /** PRE001 = CNY in a default Kingdee setup. */
    currencyNumber: z.string().min(1).default('PRE001'),
    /** Tax rate in percent, as Kingdee's FEntryTaxRate expects ("13"). */
    taxRate: z.string().regex(/^\d{1,2}(\.\d{1,4})?$/).default('13'),
    defaultUnit: z.string().min(1).default('Pcs'),
    /** Merchant SKU -> material number (or {number, unit}). A SKU not listed is refused, never guessed. */
    materials: z.record(z.string().min(1), Material),
    /** Prefix of the bill numbers the hub writes; the bill type's coding rule must allow manual numbers. */
    billNoPrefix: z.string().regex(/^[A-Z0-9]{0,8}$/).default('ZS'),
    timeoutMs: z.number().int().positive().default(30_000),
  })
  .strict();
export type KingdeeConfig = z.output<typeof kingdeeConfig>;
