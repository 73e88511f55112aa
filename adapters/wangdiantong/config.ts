import { z } from 'zod';
import { secret } from '../../src/sdk/connector-config.js';

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
    edition: z.enum(WDT_EDITION),
    /**
     * Enterprise: the `openapi2` folder, e.g. https://api.wangdian.cn/openapi2 (sandbox
     * https://sandbox.wangdian.cn/openapi2). Ultimate: the gateway itself, e.g. http://wdt.wangdian.cn/openapi.
     */
    baseUrl: z.string().url(),
    sid: z.string().min(1),
    appkey: z.string().min(1),
    /** Enterprise: the appsecret. Ultimate: `secret:salt` exactly as issued (split at the first colon). */
    appsecret: secret('Wangdiantong appsecret (ultimate edition: "secret:salt")'),
    /** The WDT shop the hub's trades belong to (a self-built / "自有平台" shop). */
    shopNo: z.string().min(1),
    /** Default warehouse for stock queries when the caller names none. */
    warehouseNo: z.string().min(1).optional(),
    signLength: z.enum(SIGN_LENGTH).default(SIGN_LENGTH.CHARS),
    /** Extra business codes to treat as transient (see transport.ts for the built-in list). */
    transientCodes: z.array(z.number().int()).default([]),
    timeoutMs: z.number().int().positive().default(15_000),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.edition === WDT_EDITION.ULTIMATE && !/^[^:]+:.+$/.test(c.appsecret)) {
      ctx.addIssue({ code: 'custom', path: ['appsecret'], message: 'the ultimate edition appsecret has the form "secret:salt"' });
    }
  });
export type WdtConfig = z.output<typeof wdtConfig>;
