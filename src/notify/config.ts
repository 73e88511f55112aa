import { z } from 'zod';
import { envBool, envInt, envString, secretRef, type Env } from '../config/env-ref.js';
import { NOTIFY_EVENT, unknownPlaceholders } from './events.js';

/** WeCom and DingTalk robots both take 20 messages a minute (WIRE-FORMATS §4). */
export const ROBOT_MESSAGES_PER_MINUTE = 20;

/**
 * `notifications`: event kind -> where it goes. A route names a notifier connector (WeCom robot,
 * DingTalk robot: their connector config holds the key, token and sign secret) or a generic
 * webhook URL, the mobiles to @-mention, and optionally its own template. `level` narrows a
 * hold_created route to one hold level (3: the purchasing lead); a level route wins over a route
 * without a level for that level.
 */
export function notificationsSchema(env: Env) {
  const str = envString(env);
  const route = z
    .object({
      event: z.enum(NOTIFY_EVENT),
      level: z.number().int().min(1).max(3).optional(),
      connector: z.string().min(1).optional(),
      /** Generic webhook: POST JSON {event, key, title, text, severity, mentionMobiles, vars}. */
      webhookUrl: secretRef(env).optional(),
      mentionMobiles: z.array(z.string().regex(/^(1\d{10}|@all)$/, 'a mainland mobile of 11 digits or @all')).max(50).default([]),
      /** `{var}` placeholders from the event's variables; absent: the Chinese default. */
      title: str.optional(),
      template: str.optional(),
    })
    .strict()
    .superRefine((r, ctx) => {
      if (!r.connector === !r.webhookUrl) ctx.addIssue({ code: 'custom', path: ['connector'], message: 'a route names exactly one of connector or webhookUrl' });
      if (r.level !== undefined && r.event !== NOTIFY_EVENT.HOLD_CREATED) ctx.addIssue({ code: 'custom', path: ['level'], message: 'only hold_created routes take a level' });
      for (const field of ['title', 'template'] as const) {
        const t = r[field];
        const bad = t ? unknownPlaceholders(r.event, t) : [];
        if (bad.length) ctx.addIssue({ code: 'custom', path: [field], message: `unknown placeholder(s) ${bad.map((b) => `{${b}}`).join(', ')} for ${r.event}` });
      }
    });
  return z
    .object({
      routes: z.array(route).default([]),
      /** Messages a minute each robot (connector or webhook) takes; past it messages wait and go out as one. */
      perMinute: envInt(env, { min: 1, max: 600 }).default(ROBOT_MESSAGES_PER_MINUTE),
      /** How long a sent key is remembered (exactly once within this). */
      keyTtlDays: envInt(env, { min: 1 }).default(30),
      /** A message that failed this many sends is dropped to the dead list (logged). */
      maxAttempts: envInt(env, { min: 1 }).default(10),
      /** How often waiting and failed messages are retried (a Temporal Schedule). */
      flushEverySeconds: envInt(env, { min: 10 }).default(60),
      /** A breaker open this long is told (breaker_open), and told again when it closes. */
      breakerOpenMinutes: envInt(env, { min: 1 }).default(10),
      dailySummary: z
        .object({
          enabled: envBool(env).default(false),
          /** Local wall-clock time, HH:MM. */
          at: str.pipe(z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM expected')).default('09:00'),
          timezone: str.default('Asia/Shanghai'),
        })
        .strict()
        .prefault({}),
    })
    .strict()
    .prefault({});
}

export type NotificationsConfig = z.output<ReturnType<typeof notificationsSchema>>;
export type NotifyRoute = NotificationsConfig['routes'][number];
