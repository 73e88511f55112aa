import { SANDBOX_FAULT, type SandboxFaults, type SandboxServer } from './core.js';

/**
 * BAD_SIGNATURE is answered by the system's handler with its own code, but startSandboxServer
 * counts `remaining` down before the handler runs: with `remaining: 1` the handler already sees
 * mode none and the fault is lost. This gate keeps the BAD_SIGNATURE switch itself (the inner
 * server runs with mode none meanwhile, latency kept) and spends one per request the handler
 * asks about, so `remaining` means what it says.
 */
export interface SignatureFaultGate {
  /** The server to expose as SandboxSystem.server: same as the inner one, with the switch kept here. */
  server: SandboxServer;
  /** Call once per request that carries a signature: true when it must be answered as badly signed. */
  badSignature(): boolean;
}

export function signatureFaultGate(inner: SandboxServer): SignatureFaultGate {
  let sig: { on: boolean; remaining: number | null } = { on: false, remaining: null };
  const view = (): SandboxFaults => (sig.on ? { ...inner.faults, mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: sig.remaining } : inner.faults);
  const server: SandboxServer = {
    get url() {
      return inner.url;
    },
    get faults() {
      return view();
    },
    setFaults(f) {
      const next = { ...view(), ...f };
      if (next.mode === SANDBOX_FAULT.BAD_SIGNATURE) {
        sig = { on: true, remaining: next.remaining };
        inner.setFaults({ ...next, mode: SANDBOX_FAULT.NONE, remaining: null });
      } else {
        sig = { on: false, remaining: null };
        inner.setFaults(next);
      }
    },
    get requestCount() {
      return inner.requestCount;
    },
    get arrivals() {
      return inner.arrivals;
    },
    close: () => inner.close(),
  };
  return {
    server,
    badSignature() {
      if (!sig.on) return false;
      if (sig.remaining !== null) sig = sig.remaining <= 1 ? { on: false, remaining: null } : { on: true, remaining: sig.remaining - 1 };
      return true;
    },
  };
}
