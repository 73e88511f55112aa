import type { SandboxLog } from '../../src/sandbox/core.js';
import { formEncode, kdniaoDataSign } from './transport.js';

export interface SubscribedTrace {
  AcceptTime: string;
  AcceptStation: string;
}

/**
 * The sandbox's 8008 subscriptions: parcels KDNiao was asked to follow, and the push URL the
 * account would have set in KDNiao's console. Each change of a subscribed parcel is pushed there
 * as KDNiao does (form POST, RequestType 101, RequestData JSON, DataSign as on every call).
 */
export function kdniaoSubscriptions(d: { eBusinessId: string; appKey: string; log: SandboxLog; pushUrl: string | null }) {
  const subscribed = new Map<string, string>();
  let pushUrl = d.pushUrl;
  let pushes = 0;
  return {
    subscribe(shipperCode: string, logisticCode: string): void {
      subscribed.set(logisticCode, shipperCode);
      d.log.record('tracking.subscribe', logisticCode, { shipperCode });
    },
    setPushUrl(url: string | null): void {
      pushUrl = url;
    },
    list: () => [...subscribed.keys()],
    get pushes() {
      return pushes;
    },
    /** Pushes a subscribed parcel's state and traces; an unsubscribed one, or no push URL, sends nothing. */
    async push(logisticCode: string, state: number, stateEx: number | null, traces: readonly SubscribedTrace[], at: string): Promise<void> {
      const shipperCode = subscribed.get(logisticCode);
      if (!shipperCode || !pushUrl) return;
      const requestData = JSON.stringify({
        EBusinessID: d.eBusinessId,
        PushTime: at,
        Count: 1,
        Data: [{ EBusinessID: d.eBusinessId, ShipperCode: shipperCode, LogisticCode: logisticCode, Success: true, State: String(state), ...(stateEx === null ? {} : { StateEx: String(stateEx) }), Traces: traces.map((t) => ({ AcceptTime: t.AcceptTime, AcceptStation: t.AcceptStation })) }],
      });
      const body = `RequestData=${formEncode(requestData)}&EBusinessID=${formEncode(d.eBusinessId)}&RequestType=101&DataSign=${kdniaoDataSign(requestData, d.appKey)}&DataType=2`;
      try {
        const res = await fetch(pushUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' }, body });
        pushes++;
        d.log.record('tracking.pushed', logisticCode, { state, status: res.status });
      } catch (err) {
        d.log.record('tracking.push_failed', logisticCode, { error: err instanceof Error ? err.message : String(err) });
      }
    },
  };
}
