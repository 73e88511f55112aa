import { z } from 'zod';
import { AdapterError, isRetryableStatus } from '../../src/sdk/errors.js';

/**
 * A group-robot POST shared by WeCom and DingTalk: both answer `{errcode, errmsg}`, 0 = sent.
 * HTTP failures follow isRetryableStatus; errcodes are classified by the caller's `transient` list.
 */
const Answer = z.object({ errcode: z.number(), errmsg: z.string().nullish() }).passthrough();

export async function postRobot(opts: {
  adapter: string;
  fetch: typeof fetch;
  url: string;
  body: unknown;
  signal: AbortSignal;
  timeoutMs: number;
  /** errcodes that mean "later" (rate limit, busy), with the wait they ask for. */
  transient: Readonly<Record<number, number>>;
}): Promise<{ errcode: number; errmsg: string }> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  let res: Response;
  let text: string;
  try {
    res = await opts.fetch(opts.url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(opts.body), signal: AbortSignal.any([opts.signal, timeout]) });
    text = await res.text();
  } catch (err) {
    if (opts.signal.aborted) throw opts.signal.reason instanceof Error ? opts.signal.reason : err;
    if (timeout.aborted) throw AdapterError.retryable(opts.adapter, 'timeout', `no answer within ${opts.timeoutMs} ms`);
    // The URL carries the robot's key/token: only the error message is reported, never the URL.
    throw AdapterError.retryable(opts.adapter, 'network', err instanceof Error ? err.message : String(err));
  }
  if (!res.ok) {
    const details = { status: res.status, body: text.slice(0, 300) };
    if (isRetryableStatus(res.status)) throw AdapterError.retryable(opts.adapter, `http_${res.status}`, `HTTP ${res.status}`, details);
    throw AdapterError.rejected(opts.adapter, `http_${res.status}`, `HTTP ${res.status}`, details);
  }
  let parsed: z.output<typeof Answer>;
  try {
    parsed = Answer.parse(JSON.parse(text));
  } catch {
    throw AdapterError.retryable(opts.adapter, 'bad_body', 'answer is not {errcode, errmsg}', { status: res.status, body: text.slice(0, 300) });
  }
  const { errcode } = parsed;
  const errmsg = parsed.errmsg ?? '';
  if (errcode === 0) return { errcode, errmsg };
  const wait = opts.transient[errcode];
  if (wait !== undefined) throw AdapterError.retryable(opts.adapter, `errcode_${errcode}`, `robot refused for now: ${errcode} ${errmsg}`, { retryAfterMs: wait });
  throw AdapterError.rejected(opts.adapter, `errcode_${errcode}`, `robot refused: ${errcode} ${errmsg}`);
}
