import { describe, expect, it } from 'vitest';
import { localDate } from './activities.js';
import { notificationsSchema } from './config.js';
import { EVENT_TEMPLATES, NOTIFY_EVENT, renderTemplate, unknownPlaceholders } from './events.js';
import { lifecycleEvent } from './router.js';

describe('notification templates', () => {
  it('renders variables and shows a missing one as "-" instead of a raw brace', () => {
    expect(renderTemplate('订单 {orderKey} 因 {reason} 被拦截 {level}', { orderKey: 'sp:1', reason: 'insufficient_stock', level: null })).toBe('订单 sp:1 因 insufficient_stock 被拦截 -');
  });
  it('every default template uses only its own variables', () => {
    for (const kind of Object.values(NOTIFY_EVENT)) {
      const t = EVENT_TEMPLATES[kind];
      expect([kind, unknownPlaceholders(kind, t.title + t.text)]).toEqual([kind, []]);
    }
  });
});

describe('notifications config', () => {
  const parse = (routes: unknown[]) => notificationsSchema({ HOOK: 'https://hooks.example/x' }).safeParse({ routes });
  it('takes a connector route, a webhook route from an env reference, and a level-3 hold route', () => {
    const r = parse([
      { event: 'hold_created', level: 3, connector: 'wecom-purchasing', mentionMobiles: ['13900000003'] },
      { event: 'poll_range_lost', webhookUrl: '${HOOK}' },
    ]);
    expect(r.success && r.data.routes.map((x) => x.webhookUrl ?? x.connector)).toEqual(['wecom-purchasing', 'https://hooks.example/x']);
    expect(r.success && r.data.perMinute).toBe(20);
  });
  it('names the field of each mistake', () => {
    const problems = (routes: unknown[]) => {
      const r = parse(routes);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(problems([{ event: 'hold_created' }])).toEqual(['routes.0.connector: a route names exactly one of connector or webhookUrl']);
    expect(problems([{ event: 'tracking_stalled', level: 3, connector: 'x' }])).toEqual(['routes.0.level: only hold_created routes take a level']);
    expect(problems([{ event: 'tracking_stalled', connector: 'x', mentionMobiles: ['12345'] }])).toEqual(['routes.0.mentionMobiles.0: a mainland mobile of 11 digits or @all']);
    expect(problems([{ event: 'no_such_event', connector: 'x' }])[0]).toMatch(/^routes\.0\.event: /);
  });
  it('the daily summary date is the local day of its zone', () => {
    expect(localDate(new Date('2026-12-05T17:30:00Z'), 'Asia/Shanghai')).toBe('2026-12-06');
    expect(localDate(new Date('2026-12-05T15:30:00Z'), 'Asia/Shanghai')).toBe('2026-12-05');
  });
});

describe('lifecycle notices', () => {
  it('take their event and hold level from the key the workflow gives them', () => {
    const wf = 'order:shopify-test:1';
    expect(lifecycleEvent(`${wf}:notify-address_unmatched-1`, 'shopify-test:1: address_unmatched')).toEqual({ event: 'hold_created', reason: 'address_unmatched', level: 1 });
    expect(lifecycleEvent(`${wf}:notify-order_frequency-2`, 'x')).toEqual({ event: 'hold_created', reason: 'order_frequency', level: 2 });
    expect(lifecycleEvent(`${wf}:notify-insufficient_stock-1`, '采购提醒 purchasing alert: insufficient_stock')).toEqual({ event: 'hold_created', reason: 'insufficient_stock', level: 3 });
    expect(lifecycleEvent(`${wf}:notify-pickup_overdue-1`, 'x')).toEqual({ event: 'hold_created', reason: 'pickup_overdue', level: null });
    expect(lifecycleEvent(`${wf}:notify-ship_by_near-1`, 'x')).toEqual({ event: 'ship_by_near', reason: 'ship_by_near', level: null });
    expect(lifecycleEvent(`${wf}:notify-compensation_failed-1`, 'x')).toEqual({ event: 'compensation_failed', reason: 'compensation_failed', level: null });
  });
});
