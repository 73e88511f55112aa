import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SANDBOX_FAULT, startSandboxServer, type SandboxServer } from './core.js';
import { signatureFaultGate, type SignatureFaultGate } from './signature-fault.js';

let inner: SandboxServer | undefined;
afterEach(async () => {
  await inner?.close();
  inner = undefined;
});

async function gated(): Promise<SignatureFaultGate> {
  // The handler needs the gate, the gate needs the server: the holder breaks the cycle.
  const holder: { gate?: SignatureFaultGate } = {};
  inner = await startSandboxServer({ handler: () => ({ body: { bad: holder.gate?.badSignature() ?? null } }) });
  holder.gate = signatureFaultGate(inner);
  return holder.gate;
}

const bad = async (url: string) => z.object({ bad: z.boolean() }).parse(await (await fetch(url, { method: 'POST' })).json()).bad;

describe('signatureFaultGate', () => {
  it('answers exactly `remaining` requests as badly signed, then switches itself off', async () => {
    const g = await gated();
    g.server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: 2 });
    expect(g.server.faults).toMatchObject({ mode: 'bad_signature', remaining: 2 });
    expect([await bad(g.server.url), await bad(g.server.url), await bad(g.server.url)]).toEqual([true, true, false]);
    expect(g.server.faults.mode).toBe('none');
    expect(g.server.requestCount).toBe(3);
  });

  it('stays on without a count until switched off, and leaves the other modes to the server', async () => {
    const g = await gated();
    g.server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE });
    expect([await bad(g.server.url), await bad(g.server.url)]).toEqual([true, true]);
    g.server.setFaults({ mode: SANDBOX_FAULT.SERVER_ERROR, remaining: 1 });
    expect((await fetch(g.server.url, { method: 'POST' })).status).toBe(503);
    expect(await bad(g.server.url)).toBe(false);
  });

  it('keeps latency and other settings when the switch moves', async () => {
    const g = await gated();
    g.server.setFaults({ latencyMs: 1, retryAfterSeconds: 7 });
    g.server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE });
    expect(g.server.faults).toMatchObject({ mode: 'bad_signature', latencyMs: 1, retryAfterSeconds: 7 });
    g.server.setFaults({ mode: SANDBOX_FAULT.NONE });
    expect(g.server.faults).toMatchObject({ mode: 'none', latencyMs: 1, retryAfterSeconds: 7 });
  });
});
