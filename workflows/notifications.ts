import { proxyActivities } from '@temporalio/workflow';
import type { NotifyActivities } from '../src/notify/activities.js';

const notify = proxyActivities<Pick<NotifyActivities, 'flushNotifications' | 'sendDailySummary'>>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 5, initialInterval: '5 seconds' },
});

/** Scheduled: messages that waited for a robot's rate window or a retry go out; long-open breakers are told. */
export async function flushNotifications(): Promise<{ sent: number; waiting: number }> {
  return notify.flushNotifications();
}

/** Scheduled at the configured local time: the day's summary, sent once per day. */
export async function dailySummary(): Promise<{ date: string }> {
  const r = await notify.sendDailySummary();
  return { date: r.date };
}
