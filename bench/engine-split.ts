// Where a hub order's paid-to-WMS time goes inside the engine, read from its workflow history:
// how long workflow tasks waited for the worker and ran in it, how long activities waited to
// start and ran (the adapters' calls, the sandboxes' answer delays included). The timeline split
// says which step was slow; this says whether the wait was the server, the worker or the call.
import { temporal } from '@temporalio/proto';

/** Ids and seconds are protobuf Longs in the SDK's history and plain numbers in tests: both print as decimal. */
type Id = { toString(): string } | number | null | undefined;
/** The fields of a history event (the SDK's IHistoryEvent) the split reads. */
export interface HistoryEvent {
  eventId?: Id;
  eventType?: number | null;
  eventTime?: { seconds?: Id; nanos?: number | null } | null;
  workflowTaskStartedEventAttributes?: { scheduledEventId?: Id } | null;
  workflowTaskCompletedEventAttributes?: { startedEventId?: Id } | null;
  activityTaskScheduledEventAttributes?: { input?: { payloads?: { data?: Uint8Array | null }[] | null } | null } | null;
  activityTaskStartedEventAttributes?: { scheduledEventId?: Id } | null;
  activityTaskCompletedEventAttributes?: { scheduledEventId?: Id; startedEventId?: Id } | null;
}

const EVENT = temporal.api.enums.v1.EventType;

export const ENGINE_PARTS = ['workflow task waiting for the worker', 'workflow task in the worker', 'activity waiting to start', 'activity running (adapter call, sandbox delay included)', 'between (server bookkeeping)'] as const;
export type EnginePart = (typeof ENGINE_PARTS)[number];

function ms(e: HistoryEvent): number {
  const t = e.eventTime;
  if (!t) throw new Error(`history event ${String(e.eventId)} has no time`);
  return Number(String(t.seconds ?? 0)) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}

/** The scheduled activity's first argument's `capability`, if its input is a JSON object that has one. */
function capabilityOf(e: HistoryEvent): string | null {
  const data = e.activityTaskScheduledEventAttributes?.input?.payloads?.[0]?.data;
  if (!data) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(data).toString('utf8'));
    return typeof v === 'object' && v !== null && 'capability' in v && typeof v.capability === 'string' ? v.capability : null;
  } catch {
    return null;
  }
}

/**
 * Splits the span from the workflow's start to the completion of the activity that called
 * `endCapability` (the WMS push) into ENGINE_PARTS, ms; null when the history has no such activity.
 */
export function engineSplit(events: readonly HistoryEvent[], endCapability: string): Record<EnginePart, number> | null {
  const started = events.find((e) => e.eventType === EVENT.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  const push = events.find((e) => e.eventType === EVENT.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && capabilityOf(e) === endCapability);
  const pushDone = push && events.find((e) => e.eventType === EVENT.EVENT_TYPE_ACTIVITY_TASK_COMPLETED && String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(push.eventId));
  if (!started || !pushDone) return null;
  const t0 = ms(started);
  const end = ms(pushDone);
  const byId = new Map(events.map((e) => [String(e.eventId), e]));
  const out: Record<EnginePart, number> = { 'workflow task waiting for the worker': 0, 'workflow task in the worker': 0, 'activity waiting to start': 0, 'activity running (adapter call, sandbox delay included)': 0, 'between (server bookkeeping)': 0 };
  const add = (part: EnginePart, from: HistoryEvent | undefined, to: HistoryEvent) => {
    if (!from || ms(to) > end) return;
    out[part] += ms(to) - ms(from);
  };
  for (const e of events) {
    if (e.eventType === EVENT.EVENT_TYPE_WORKFLOW_TASK_STARTED) add('workflow task waiting for the worker', byId.get(String(e.workflowTaskStartedEventAttributes?.scheduledEventId)), e);
    else if (e.eventType === EVENT.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) add('workflow task in the worker', byId.get(String(e.workflowTaskCompletedEventAttributes?.startedEventId)), e);
    else if (e.eventType === EVENT.EVENT_TYPE_ACTIVITY_TASK_STARTED) add('activity waiting to start', byId.get(String(e.activityTaskStartedEventAttributes?.scheduledEventId)), e);
    else if (e.eventType === EVENT.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) add('activity running (adapter call, sandbox delay included)', byId.get(String(e.activityTaskCompletedEventAttributes?.startedEventId)), e);
  }
  const accounted = ENGINE_PARTS.slice(0, 4).reduce((a, p) => a + out[p], 0);
  out['between (server bookkeeping)'] = Math.max(0, end - t0 - accounted);
  return out;
}
