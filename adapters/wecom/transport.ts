import { z } from 'zod';
import { ERROR_CODE, vendorErrorCode } from '../../src/sdk/error-codes.js';
import { beforeRequest, type RequestScope } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { jsonPost, request, type VendorFailure } from '../_shared/platform-http.js';

/**
 * A group-robot POST shared by WeCom and DingTalk: both answer `{errcode, errmsg}`, 0 = sent.
 * HTTP failures follow the shared exchange; errcodes are classified by the caller's `transient` table.
 */
const Answer = z.object({ errcode: z.number(), errmsg: z.string().nullish() }).passthrough();

export async function postRobot(opts: {
  adapter: string;
  fetch: typeof fetch;
  url: string;
  body: unknown;
  /** The robot's API name, the rate-limit key of its request (`webhook/send`, `robot/send`). */
  api: string;
  /** The call (its request spends a rate-limit token), or a bare signal outside any call. */
  scope: RequestScope | AbortSignal;
  timeoutMs: number;
  /** errcodes that mean "later" (rate limit, busy), with the wait they ask for. */
  transient: Readonly<Record<number, number>>;
}): Promise<{ errcode: number; errmsg: string }> {
  const refused = (body: unknown): VendorFailure | null => {
    const a = Answer.safeParse(body);
    if (!a.success || a.data.errcode === 0) return null;
    const { errcode } = a.data;
    const wait = opts.transient[errcode];
    return { code: vendorErrorCode('errcode', errcode), message: `robot refused${wait === undefined ? '' : ' for now'}: ${errcode} ${a.data.errmsg ?? ''}`, retryable: wait !== undefined, retryAfterMs: wait };
  };
  const signal = await beforeRequest(opts.scope, opts.api);
  // `what` names the robot, never the URL: it carries the robot's key or token.
  const res = await request({ adapter: opts.adapter, what: 'robot', fetch: opts.fetch, url: opts.url, init: jsonPost(JSON.stringify(opts.body)), signal, timeoutMs: opts.timeoutMs, vendorError: refused });
  const a = Answer.safeParse(res.body);
  if (!a.success) throw AdapterError.retryable(opts.adapter, ERROR_CODE.BAD_RESPONSE, 'robot: answer is not {errcode, errmsg}', { status: res.status });
  return { errcode: a.data.errcode, errmsg: a.data.errmsg ?? '' };
}
