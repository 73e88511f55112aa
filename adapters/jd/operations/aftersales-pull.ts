import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { PLATFORM_MAX_WINDOW_MS, readBackwards, windowInput } from '../../_shared/polling.js';
import { formatGmt8 } from '../../_shared/signing.js';
import { JD_ASC_MAX_PAGE_SIZE, JD_ASC_METHOD } from '../aftersales-codes.js';
import { ADAPTER_ID, type JdTransport } from '../transport.js';

export const JdAfterSalesPullInput = z.object({ window: windowInput(PLATFORM_MAX_WINDOW_MS.jd), page: z.number().int().positive().optional() }).strict();

/** The page wrapper (UNVERIFIED: `pageResult{totalCount, data[]}`, see docs/wire-formats/jd-after-sales.md). */
const Body = z.looseObject({
  pageResult: z.looseObject({
    totalCount: z.coerce.number().int().nonnegative(),
    data: z.array(z.looseObject({ serviceId: z.union([z.string(), z.number()]) })).nullish(),
  }),
});

export interface JdAfterSalesPullDeps {
  transport: JdTransport;
  pageSize: number;
  /** Seller id and operator some JOS after-sales methods ask for (UNVERIFIED whether asc.query.list needs them); sent only when configured. */
  operator?: { buId: string; operatePin: string; operateNick?: string | undefined } | undefined;
}

/**
 * `jingdong.asc.query.list` by update time over one poll window: every service status, read
 * from the last page back like the order search (a service updated while we page moves to the
 * end; reading backwards repeats a row, never skips one). Records go on as JD sent them:
 * src/after-sales/platforms/jd.ts reads them.
 */
export async function pullAfterSales(deps: JdAfterSalesPullDeps, rawInput: unknown, ctx: InvokeContext) {
  const input = parseOrReject(ADAPTER_ID, JdAfterSalesPullInput, rawInput, 'aftersales.pull input');
  const size = Math.min(deps.pageSize, JD_ASC_MAX_PAGE_SIZE);
  const op = deps.operator;
  const list = async (page: number) => {
    const inner = await deps.transport.call(
      JD_ASC_METHOD,
      {
        ...(op ? { buId: op.buId, operatePin: op.operatePin, ...(op.operateNick ? { operateNick: op.operateNick } : {}) } : {}),
        updateTimeBegin: formatGmt8(input.window.start),
        updateTimeEnd: formatGmt8(input.window.end),
        pageNumber: page,
        pageSize: size,
      },
      ctx,
    );
    const r = parseOrReject(ADAPTER_ID, Body, inner, `${JD_ASC_METHOD} response`).pageResult;
    return { total: r.totalCount, refunds: r.data ?? [] };
  };
  const { page, result, next } = await readBackwards(input.page, size, 1, list);
  ctx.heartbeat({ page });
  return { refunds: result.refunds, nextPage: next };
}
