import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { CAPABILITY } from '../sdk/capabilities.js';
import type { AdapterRegistry } from '../sdk/registry.js';
import { errorMessage } from '../util/errors.js';
import { LuaScript } from '../util/lua-script.js';
import { HOLD_CODE } from '../rules/evaluate.js';
import type { NotificationsConfig, NotifyRoute } from './config.js';
import { EVENT_TEMPLATES, NOTIFY_EVENT, ROUTER_CONNECTOR, renderTemplate, type NotifyEvent, type NotifySeverity } from './events.js';

/** One message waiting for its robot: rendered, PII-free (the robot adapters mask again). */
const OutboxItem = z.object({
  key: z.string(),
  event: z.string(),
  title: z.string(),
  text: z.string(),
  severity: z.enum(['info', 'warning', 'critical']),
  orderKey: z.string().nullable(),
  mentionMobiles: z.array(z.string()),
  vars: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
  attempts: z.number().int(),
});
type OutboxItem = z.infer<typeof OutboxItem>;

/** Where a message goes: a notifier connector, or a generic webhook. */
type Target = { kind: 'connector'; id: string; connector: string } | { kind: 'webhook'; id: string; url: string };

export type NotifyVars = Readonly<Record<string, string | number | null | undefined>>;

export interface NotifyRequest {
  event: NotifyEvent;
  /** Names this one occurrence: the same key is told once per route, however often it is asked. */
  key: string;
  vars: NotifyVars;
  /** hold_created only: the hold level (3 goes to purchasing when a level-3 route exists). */
  level?: number | null;
  orderKey?: string | null;
}

export interface NotifyOutcome {
  /** Routes this event matched. */
  routes: number;
  /** Messages new for their key (the others were duplicates). */
  accepted: number;
  /** Messages handed to a robot in this call (alone or inside a batch). */
  sent: number;
  /** Messages waiting for the robot's rate window or a retry (the flush schedule sends them). */
  waiting: number;
}

// Claims the key and queues the message in one step: a retried call never queues twice.
const ENQUEUE = new LuaScript(`
if redis.call('SET', KEYS[1], '1', 'EX', ARGV[1], 'NX') then
  redis.call('RPUSH', KEYS[2], ARGV[2])
  redis.call('SADD', KEYS[3], ARGV[3])
  return 1
end
return 0`);

// A sliding 60 s window of sends per robot: under the limit, the whole outbox is taken as one
// message and the send is counted; at the limit nothing is taken. Taken is not gone: the items
// move to a lease key (KEYS[3], indexed by time in KEYS[4]) that the sender deletes once they are
// sent or put back, so a process that dies in between leaves them for RECLAIM.
const TAKE = new LuaScript(`
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[3]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return {'limited'} end
local items = redis.call('LRANGE', KEYS[2], 0, -1)
if #items == 0 then return {'empty'} end
redis.call('RENAME', KEYS[2], KEYS[3])
redis.call('PEXPIRE', KEYS[3], ARGV[5])
redis.call('ZADD', KEYS[4], now, KEYS[3])
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
local out = {'ok'}
for i = 1, #items do out[#out + 1] = items[i] end
return out`);

// Leases older than ARGV[2] (their process died between taking and sending): their items go back
// to the front of the outbox, oldest first, and the target is listed for the flush again.
const RECLAIM = new LuaScript(`
local stale = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
local n = 0
for _, lease in ipairs(stale) do
  local items = redis.call('LRANGE', lease, 0, -1)
  for i = #items, 1, -1 do redis.call('LPUSH', KEYS[2], items[i]) end
  n = n + #items
  redis.call('DEL', lease)
  redis.call('ZREM', KEYS[1], lease)
end
if n > 0 then redis.call('SADD', KEYS[3], ARGV[3]) end
return n`);

const WINDOW_MS = 60_000;
/**
 * How long a taken message belongs to the process that took it: well past a send's 15 s timeout.
 * A process that dies mid-send makes its messages wait this long, then they are sent again (at
 * least once: a robot that had already shown one shows it twice, rather than never).
 */
const LEASE_MS = 2 * 60_000;
/** A lease key outlives its lease, so RECLAIM finds its items; Redis drops it later still. */
const LEASE_KEY_TTL_MS = 7 * 86_400_000;
/** AlertInput caps the text at 4000 characters; a batch is cut below it. */
const TEXT_MAX = 3_800;
/**
 * A merged message's text and its `order: <key>` lines in UTF-8 bytes: WeCom's markdown limit is
 * 4,096 bytes (Chinese text is 3 bytes a character), less the title line.
 */
const MERGED_BYTES_MAX = 3_800;
/** AlertInput carries at most 50 order keys. */
const MERGED_PARTS_MAX = 50;
const BATCH_JOIN = '\n\n';
const batchPart = (i: OutboxItem) => `【${i.title}】\n${i.text}`;
const orderLineBytes = (i: OutboxItem) => (i.orderKey ? Buffer.byteLength(`\n> order: ${i.orderKey}`, 'utf8') : 0);

/** How many of the oldest messages fit whole in one merged message (at least one: a single long message is cut, as alone). */
function fittingCount(items: readonly OutboxItem[]): number {
  let chars = 0;
  let bytes = 0;
  for (let n = 0; n < items.length; n++) {
    const item = items[n];
    if (!item) break;
    const part = (n ? BATCH_JOIN : '') + batchPart(item);
    chars += part.length;
    bytes += Buffer.byteLength(part, 'utf8') + orderLineBytes(item);
    if (chars > TEXT_MAX || bytes > MERGED_BYTES_MAX || n >= MERGED_PARTS_MAX) return Math.max(1, n);
  }
  return items.length;
}
const SEVERITY_RANK: Readonly<Record<NotifySeverity, number>> = { info: 0, warning: 1, critical: 2 };

/** The lifecycle's notice keys (workflows/lifecycle/notify.ts): `<workflowId>:notify-<reason>-<n>`. */
const LIFECYCLE_KEY = /:notify-([a-z0-9_]+)-\d+$/;
const PURCHASING_TITLE = '采购提醒';
/** The interception levels of the rules' hold codes (src/rules/evaluate.ts) and the stock hold. */
const HOLD_LEVEL: Readonly<Record<string, number>> = { [HOLD_CODE.ADDRESS_UNMATCHED]: 1, [HOLD_CODE.ORDER_FREQUENCY]: 2, [HOLD_CODE.SKU_UNKNOWN]: 3, insufficient_stock: 3 };

/**
 * Which event a lifecycle notice is: its key names the hold reason. The workflow passes no level,
 * so it comes from the reason (and the purchasing title, which only level 3 carries).
 */
export function lifecycleEvent(idempotencyKey: string, title: string): { event: NotifyEvent; reason: string | null; level: number | null } {
  const reason = LIFECYCLE_KEY.exec(idempotencyKey)?.[1] ?? null;
  if (reason === 'compensation_failed') return { event: NOTIFY_EVENT.COMPENSATION_FAILED, reason, level: null };
  if (reason === 'ship_by_near') return { event: NOTIFY_EVENT.SHIP_BY_NEAR, reason, level: null };
  const level = title.startsWith(PURCHASING_TITLE) ? 3 : reason ? (HOLD_LEVEL[reason] ?? null) : null;
  return { event: NOTIFY_EVENT.HOLD_CREATED, reason, level };
}

/**
 * The notification router: event kind -> routes from config -> each route's robot, exactly once
 * per (event, key, route), within each robot's rate limit. A message that cannot go now (rate
 * window full, robot down) waits in Redis and is sent by flush() (a Temporal Schedule), merged
 * with the others waiting for that robot into one message; callers never wait for a robot.
 */
export class NotificationRouter {
  private readonly seq = { n: 0 };
  constructor(
    private readonly d: {
      redis: Redis;
      keyPrefix: string;
      config: NotificationsConfig;
      registry: AdapterRegistry | null;
      logger: Logger;
      fetch?: typeof fetch;
      now?: () => Date;
    },
  ) {}

  private get now(): () => Date {
    return this.d.now ?? (() => new Date());
  }

  private k(rest: string): string {
    return `${this.d.keyPrefix}notify:${rest}`;
  }

  /** The routes of an event; for a hold level with routes of its own, only those. */
  routesFor(event: NotifyEvent, level?: number | null): NotifyRoute[] {
    const all = this.d.config.routes.filter((r) => r.event === event);
    const forLevel = level === null || level === undefined ? [] : all.filter((r) => r.level === level);
    return forLevel.length ? forLevel : all.filter((r) => r.level === undefined);
  }

  async notify(req: NotifyRequest): Promise<NotifyOutcome> {
    const routes = this.routesFor(req.event, req.level);
    const t = EVENT_TEMPLATES[req.event];
    const vars = { ...req.vars, ...(req.level !== null && req.level !== undefined ? { level: req.level } : {}) };
    const out: NotifyOutcome = { routes: routes.length, accepted: 0, sent: 0, waiting: 0 };
    for (const r of routes) {
      const item: OutboxItem = {
        key: req.key,
        event: req.event,
        title: renderTemplate(r.title ?? t.title, vars),
        text: renderTemplate(r.template ?? t.text, vars),
        severity: t.severity,
        orderKey: req.orderKey ?? null,
        mentionMobiles: [...r.mentionMobiles],
        vars: Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v === undefined ? null : v])),
        attempts: 0,
      };
      this.add(out, await this.enqueueAndFlush(this.targetOf(r), item));
    }
    return out;
  }

  /**
   * The lifecycle's alert.send (its activity call keeps its name and arguments, so old histories
   * replay): the reason in its key picks the event, and a configured route for that event takes
   * it; without one it goes to the connector the workflow named, as before, with the same
   * exactly-once and rate limit.
   */
  async deliverLifecycleAlert(req: { connector: string; idempotencyKey: string; input: { title: string; text: string; severity: NotifySeverity; orderKey?: string } }): Promise<NotifyOutcome> {
    const { event, reason, level } = lifecycleEvent(req.idempotencyKey, req.input.title);
    const orderKey = req.input.orderKey ?? null;
    const [message = '', ...rest] = req.input.text.split('\n');
    if (reason && this.routesFor(event, level).length) {
      return this.notify({ event, key: req.idempotencyKey, level, orderKey, vars: { orderKey, reason, message, detail: rest.join('\n') } });
    }
    if (req.connector === ROUTER_CONNECTOR) {
      // Sent to the router, but config no longer routes this event (changed since the order started).
      this.d.logger.warn({ event, key: req.idempotencyKey }, 'lifecycle notice has no route any more; not sent');
      return { routes: 0, accepted: 0, sent: 0, waiting: 0 };
    }
    const item: OutboxItem = { key: req.idempotencyKey, event, title: req.input.title, text: req.input.text, severity: req.input.severity, orderKey, mentionMobiles: [], vars: {}, attempts: 0 };
    const out: NotifyOutcome = { routes: 1, accepted: 0, sent: 0, waiting: 0 };
    this.add(out, await this.enqueueAndFlush({ kind: 'connector', id: `c:${req.connector}`, connector: req.connector }, item));
    return out;
  }

  /** A message for one named connector outside any route (a channel's own alertConnector). */
  async sendTo(connector: string, key: string, message: { event: NotifyEvent; title: string; text: string; severity: NotifySeverity }): Promise<NotifyOutcome> {
    const item: OutboxItem = { key, ...message, orderKey: null, mentionMobiles: [], vars: {}, attempts: 0 };
    const out: NotifyOutcome = { routes: 1, accepted: 0, sent: 0, waiting: 0 };
    this.add(out, await this.enqueueAndFlush({ kind: 'connector', id: `c:${connector}`, connector }, item));
    return out;
  }

  /** What waits per robot, and how many messages were given up (the dead list): the console's health page. */
  async backlog(): Promise<{ waiting: { target: string; messages: number }[]; dead: number }> {
    const targets = await this.d.redis.smembers(this.k('outboxes'));
    const waiting = await Promise.all(targets.map(async (target) => ({ target, messages: await this.d.redis.llen(this.k(`outbox:${target}`)) })));
    return { waiting: waiting.filter((w) => w.messages > 0), dead: await this.d.redis.llen(this.k('dead')) };
  }

  /** Sends what waits for every robot (one message per robot whose window allows). */
  async flush(): Promise<{ sent: number; waiting: number }> {
    const targets = await this.d.redis.smembers(this.k('outboxes'));
    let sent = 0;
    let waiting = 0;
    for (const raw of targets) {
      const target = this.parseTarget(raw);
      if (!target) continue;
      const reclaimed = Number(await RECLAIM.run(this.d.redis, [this.k(`taken:${target.id}`), this.k(`outbox:${target.id}`), this.k('outboxes')], [this.now().getTime(), LEASE_MS, target.id]));
      if (reclaimed > 0) this.d.logger.warn({ target: target.id, messages: reclaimed }, 'notifications taken by a process that did not finish sending them; sending them again');
      const r = await this.flushTarget(target);
      sent += r.sent;
      waiting += await this.d.redis.llen(this.k(`outbox:${target.id}`));
    }
    return { sent, waiting };
  }

  private add(out: NotifyOutcome, r: { accepted: boolean; sent: number; waiting: boolean }): void {
    if (r.accepted) out.accepted++;
    out.sent += r.sent;
    if (r.waiting) out.waiting++;
  }

  private targetOf(r: NotifyRoute): Target {
    if (r.connector) return { kind: 'connector', id: `c:${r.connector}`, connector: r.connector };
    const url = r.webhookUrl ?? '';
    return { kind: 'webhook', id: `w:${createHash('sha256').update(url).digest('hex').slice(0, 16)}`, url };
  }

  /** Targets are stored by id; a webhook's URL (it may carry a token) is looked up in config, never stored. */
  private parseTarget(id: string): Target | null {
    if (id.startsWith('c:')) return { kind: 'connector', id, connector: id.slice(2) };
    const r = this.d.config.routes.find((x) => x.webhookUrl && this.targetOf(x).id === id);
    return r ? this.targetOf(r) : null;
  }

  private async enqueueAndFlush(target: Target, item: OutboxItem): Promise<{ accepted: boolean; sent: number; waiting: boolean }> {
    const onceKey = this.k(`once:${item.event}:${target.id}:${item.key}`);
    const accepted = (await ENQUEUE.run(this.d.redis, [onceKey, this.k(`outbox:${target.id}`), this.k('outboxes')], [this.d.config.keyTtlDays * 86_400, JSON.stringify(item), target.id])) === 1;
    if (!accepted) return { accepted, sent: 0, waiting: false };
    const r = await this.flushTarget(target);
    return { accepted, sent: r.sent, waiting: r.sent === 0 };
  }

  private async flushTarget(target: Target): Promise<{ sent: number }> {
    const outbox = this.k(`outbox:${target.id}`);
    const member = `${this.now().getTime()}-${process.pid}-${++this.seq.n}`;
    const lease = this.k(`taken:${target.id}:${member}`);
    const res = await TAKE.run(this.d.redis, [this.k(`sent:${target.id}`), outbox, lease, this.k(`taken:${target.id}`)], [this.now().getTime(), this.d.config.perMinute, WINDOW_MS, member, LEASE_KEY_TTL_MS]);
    if (!Array.isArray(res) || res[0] !== 'ok') return { sent: 0 };
    const items: OutboxItem[] = [];
    for (const raw of res.slice(1)) {
      const p = OutboxItem.safeParse(JSON.parse(String(raw)));
      if (p.success) items.push(p.data);
      else this.d.logger.error({ target: target.id, issue: p.error.issues[0]?.message }, 'notification outbox held an unreadable message; dropped');
    }
    // One robot message holds what fits its limits: the rest goes back to the front of the outbox
    // for the next slot (with the lease released in the same step), instead of being cut off.
    const n = fittingCount(items);
    const rest = items.slice(n);
    items.length = n;
    if (!items.length) {
      await this.release(target, lease, []);
      return { sent: 0 };
    }
    if (rest.length) await this.release(target, lease, rest, items);
    try {
      await this.send(target, items);
      this.d.logger.info({ target: target.id, messages: items.length, events: [...new Set(items.map((i) => i.event))] }, 'notification sent');
      await this.release(target, lease, []);
      return { sent: items.length };
    } catch (err) {
      await this.giveBack(target, lease, items, errorMessage(err));
      return { sent: 0 };
    }
  }

  /**
   * Ends a lease: `back` returns to the front of the outbox in the same transaction. With `sending`
   * the lease stays on, holding only those (the messages still in flight).
   */
  private async release(target: Target, lease: string, back: OutboxItem[], sending: OutboxItem[] = [], dead: OutboxItem[] = [], why = ''): Promise<void> {
    const m = this.d.redis.multi();
    if (back.length) m.lpush(this.k(`outbox:${target.id}`), ...[...back].reverse().map((i) => JSON.stringify(i)));
    if (dead.length) m.rpush(this.k('dead'), ...dead.map((i) => JSON.stringify({ target: target.id, event: i.event, key: i.key, title: i.title, why })));
    m.del(lease);
    if (sending.length) m.rpush(lease, ...sending.map((i) => JSON.stringify(i))).pexpire(lease, LEASE_KEY_TTL_MS);
    else m.zrem(this.k(`taken:${target.id}`), lease);
    await m.exec();
  }

  /** A failed send: the messages go back to the front of the outbox for the next flush, or to the dead list once out of attempts. */
  private async giveBack(target: Target, lease: string, items: OutboxItem[], why: string): Promise<void> {
    const retry = items.map((i) => ({ ...i, attempts: i.attempts + 1 }));
    const dead = retry.filter((i) => i.attempts >= this.d.config.maxAttempts);
    const again = retry.filter((i) => i.attempts < this.d.config.maxAttempts);
    await this.release(target, lease, again, [], dead, why);
    this.d.logger.warn({ target: target.id, messages: items.length, dropped: dead.length, err: why }, 'notification not sent; retried by the next flush');
  }

  private async send(target: Target, items: OutboxItem[]): Promise<void> {
    const one = items.length === 1 ? items[0] : undefined;
    const severity = items.reduce<NotifySeverity>((s, i) => (SEVERITY_RANK[i.severity] > SEVERITY_RANK[s] ? i.severity : s), 'info');
    const mentionMobiles = [...new Set(items.flatMap((i) => i.mentionMobiles))];
    const title = one ? one.title : `${items.length} 条通知（超出每分钟条数，合并发送）`;
    const joined = one ? one.text : items.map(batchPart).join(BATCH_JOIN);
    const text = joined.length > TEXT_MAX ? `${joined.slice(0, TEXT_MAX)}…` : joined;
    const key = one ? one.key : `batch:${createHash('sha256').update(items.map((i) => i.key).join('|')).digest('hex').slice(0, 24)}`;
    const orderKey = one?.orderKey ?? null;
    // A merged message names each of its orders on its own unmasked line (the text masks digit runs).
    const orderKeys = one ? [] : [...new Set(items.flatMap((i) => (i.orderKey ? [i.orderKey] : [])))];
    if (target.kind === 'webhook') {
      const f = this.d.fetch ?? fetch;
      const res = await f(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ title, text, severity, mentionMobiles, orderKey, orderKeys, events: items.map((i) => ({ event: i.event, key: i.key, title: i.title, vars: i.vars })) }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`webhook answered HTTP ${res.status}`);
      return;
    }
    if (!this.d.registry?.supports(target.connector, CAPABILITY.ALERT_SEND)) throw new Error(`connector ${target.connector} does not offer alert.send`);
    const { instance } = await this.d.registry.connector(target.connector);
    const input = { title: title.slice(0, 200), text, severity, ...(orderKey ? { orderKey } : {}), ...(orderKeys.length ? { orderKeys } : {}), ...(mentionMobiles.length ? { mentionMobiles } : {}) };
    await instance.invoke(CAPABILITY.ALERT_SEND, input, { signal: AbortSignal.timeout(15_000), idempotencyKey: key, logger: this.d.logger, heartbeat() {} });
  }
}
