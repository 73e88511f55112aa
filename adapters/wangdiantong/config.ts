import { z } from 'zod';
import { secret, timeoutMs } from '../../src/sdk/connector-config.js';

/** The two Wangdiantong products have different gateways, signatures and envelopes. */
export const WDT_EDITION = { ENTERPRISE: 'enterprise', ULTIMATE: 'ultimate' } as const;
export type WdtEdition = (typeof WDT_EDITION)[keyof typeof WDT_EDITION];

/**
 * How the enterprise signature counts the `LL`/`LLLL` lengths. The official PHP SDK (WdtClient.php,
 * `iconv_strlen($v, 'UTF-8')`) counts characters (code points); at least one third-party client
 * counts UTF-8 bytes. They differ only for non-ASCII values (a Chinese receiver name), so the
 * default follows the vendor SDK and a connector can switch if its gateway disagrees.
 */
export const SIGN_LENGTH = { CHARS: 'chars', BYTES: 'bytes' } as const;
export type SignLength = (typeof SIGN_LENGTH)[keyof typeof SIGN_LENGTH];

export const wdtConfig = z
  .object({
    edition: z.enum(WDT_EDITION).describe('Which Wangdiantong product: enterprise (旺店通企业版) or ultimate (旗舰版)'),
    baseUrl: z.string().url().describe('Enterprise: the `openapi2` folder, e.g. https://api.wangdian.cn/openapi2 (sandbox https://sandbox.wangdian.cn/openapi2). Ultimate: the gateway itself, e.g. http://wdt.wangdian.cn/openapi.'),
    sid: z.string().min(1).describe('Seller id (卖家账号) issued with the app key'),
    appkey: z.string().min(1).describe('App key issued by Wangdiantong'),
    /** Enterprise: the appsecret. Ultimate: `secret:salt` exactly as issued (split at the first colon). */
    appsecret: secret('Wangdiantong appsecret (ultimate edition: "secret:salt")'),
    shopNo: z.string().min(1).describe('The WDT shop the hub\'s trades belong to (a self-built / "自有平台" shop).'),
    warehouseNo: z.string().min(1).optional().describe('Default warehouse for stock queries when the caller names none.'),
    signLength: z.enum(SIGN_LENGTH).default(SIGN_LENGTH.CHARS).describe('How the enterprise signature counts lengths: characters (vendor SDK) or UTF-8 bytes'),
    transientCodes: z.array(z.number().int()).default([]).describe('Extra business codes to treat as transient (see transport.ts for the built-in list).'),
    timeoutMs: timeoutMs(15_000),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.edition === WDT_EDITION.ULTIMATE && !/^[^:]+:.+$/.test(c.appsecret)) {
      ctx.addIssue({ code: 'custom', path: ['appsecret'], message: 'the ultimate edition appsecret has the form "secret:salt"' });
    }
  });
export type WdtConfig = z.output<typeof wdtConfig>;
