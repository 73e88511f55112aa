import { z } from 'zod';
import { secret, timeoutMs } from '../../src/sdk/connector-config.js';

/** A SKU's material in Kingdee: its number, and its sales unit when it is not the default. */
const Material = z.union([z.string().min(1), z.object({ number: z.string().min(1), unit: z.string().min(1).optional() }).strict()]);

export const kingdeeConfig = z
  .object({
    baseUrl: z.string().url().describe('The site root including `/k3cloud`, e.g. https://erp.example.com/k3cloud'),
    acctId: z.string().min(1).describe('账套 id (data centre).'),
    username: z.string().min(1).describe('The integration user bound to the third-party app (第三方系统登录授权).'),
    appId: z.string().min(1).describe('Third-party app id (第三方系统登录授权)'),
    appSecret: secret('Kingdee third-party app secret (LoginByAppSecret)'),
    lcid: z.number().int().default(2052).describe('2052 = Simplified Chinese.'),
    saleOrgNumber: z.string().min(1).describe('Number of the selling organisation (FSaleOrgId) the sales orders are booked in'),
    customerNumber: z.string().min(1).describe('The customer sales orders are booked to, unless the channel has its own.'),
    customerByChannel: z.record(z.string().min(1), z.string().min(1)).default({}).describe('Hub channel id -> Kingdee customer number, for channels booked to their own customer'),
    billTypeNumber: z.string().min(1).default('XSDD01_SYS').describe('XSDD01_SYS = the standard sales order type.'),
    currencyNumber: z.string().min(1).default('PRE001').describe('PRE001 = CNY in a default Kingdee setup.'),
    taxRate: z.string().regex(/^\d{1,2}(\.\d{1,4})?$/).default('13').describe('Tax rate in percent, as Kingdee\'s FEntryTaxRate expects ("13").'),
    defaultUnit: z.string().min(1).default('Pcs').describe('Sales unit number used for materials that name none'),
    materials: z.record(z.string().min(1), Material).describe('Merchant SKU -> material number (or {number, unit}). A SKU not listed is refused, never guessed.'),
    billNoPrefix: z.string().regex(/^[A-Z0-9]{0,8}$/).default('ZS').describe('Prefix of the bill numbers the hub writes; the bill type\'s coding rule must allow manual numbers.'),
    timeoutMs: timeoutMs(30_000),
  })
  .strict();
export type KingdeeConfig = z.output<typeof kingdeeConfig>;
