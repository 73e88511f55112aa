import { describe, expect, it } from 'vitest';
import { engineSplit } from './engine-split.js';

const at = (msFromZero: number) => ({ seconds: 1_800_000_000 + Math.floor(msFromZero / 1000), nanos: (msFromZero % 1000) * 1e6 });
const payload = (v: unknown) => ({ payloads: [{ data: new TextEncoder().encode(JSON.stringify(v)) }] });

/** A workflow that records the order in its first task, then runs a waybill call and the WMS push. */
function history() {
  return [
    { eventId: 1, eventType: 1, eventTime: at(0) },
    { eventId: 2, eventType: 5, eventTime: at(0) },
    { eventId: 3, eventType: 6, eventTime: at(4), workflowTaskStartedEventAttributes: { scheduledEventId: 2 } },
    { eventId: 4, eventType: 7, eventTime: at(30), workflowTaskCompletedEventAttributes: { startedEventId: 3 } },
    { eventId: 5, eventType: 10, eventTime: at(30), activityTaskScheduledEventAttributes: { input: payload({ capability: 'waybill.create' }) } },
    { eventId: 6, eventType: 11, eventTime: at(30), activityTaskStartedEventAttributes: { scheduledEventId: 5 } },
    { eventId: 7, eventType: 12, eventTime: at(190), activityTaskCompletedEventAttributes: { scheduledEventId: 5, startedEventId: 6 } },
    { eventId: 8, eventType: 5, eventTime: at(192) },
    { eventId: 9, eventType: 6, eventTime: at(200), workflowTaskStartedEventAttributes: { scheduledEventId: 8 } },
    { eventId: 10, eventType: 7, eventTime: at(210), workflowTaskCompletedEventAttributes: { startedEventId: 9 } },
    { eventId: 11, eventType: 10, eventTime: at(210), activityTaskScheduledEventAttributes: { input: payload({ capability: 'wms.order.push' }) } },
    { eventId: 12, eventType: 11, eventTime: at(215), activityTaskStartedEventAttributes: { scheduledEventId: 11 } },
    { eventId: 13, eventType: 12, eventTime: at(330), activityTaskCompletedEventAttributes: { scheduledEventId: 11, startedEventId: 12 } },
    // After the push: not part of paid-to-WMS.
    { eventId: 14, eventType: 5, eventTime: at(330) },
    { eventId: 15, eventType: 6, eventTime: at(400), workflowTaskStartedEventAttributes: { scheduledEventId: 14 } },
  ];
}

describe('engine split of a paid-to-WMS history', () => {
  it('adds each wait and run up to the WMS push, and the rest is the bookkeeping between', () => {
    expect(engineSplit(history(), 'wms.order.push')).toEqual({
      'workflow task waiting for the worker': 4 + 8,
      'workflow task in the worker': 26 + 10,
      'activity waiting to start': 0 + 5,
      'activity running (adapter call, sandbox delay included)': 160 + 115,
      'between (server bookkeeping)': 2,
    });
  });

  it('is null for a history that never pushed', () => {
    expect(engineSplit(history().slice(0, 8), 'wms.order.push')).toBeNull();
    expect(engineSplit(history(), 'no.such.capability')).toBeNull();
  });
});
