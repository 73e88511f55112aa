/**
 * Test helpers for the SF adapter (imported only by *.test.ts and tests/). They build the
 * request side from the wire (form fields, digest checked) and the response side in SF's
 * documented envelope, so each operation test reads like the exchange on the wire. No msw import
 * here: this file is compiled with the adapter, and msw is a dev dependency.
 */
import { Writable } from 'node:stream';
import { z } from 'zod';
import { createLogger, type Logger } from '../../src/logger.js';
import type { InvokeContext } from '../../src/sdk/define.js';
import { SfTransport, sfMsgDigest } from './transport.js';

export const TEST_URL = 'https://sf.test/std/service';
export const TEST_CHECKWORD = 'test-checkword';
export const TEST_PARTNER = 'ZS_TEST';

/** A logger whose lines are kept, to prove buyer data never reaches one. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { logger: createLogger({ level: 'debug', name: 'test' }, sink), lines };
}

export function testCtx(over: Partial<InvokeContext> = {}): InvokeContext {
  return { signal: new AbortController().signal, idempotencyKey: 'wf-1_waybill', logger: createLogger({ level: 'silent' }), heartbeat() {}, ...over };
}

export function testTransport(over: { timeoutMs?: number; logger?: Logger; url?: string } = {}): SfTransport {
  return new SfTransport({
    url: over.url ?? TEST_URL,
    partnerId: TEST_PARTNER,
    checkword: TEST_CHECKWORD,
    timeoutMs: over.timeoutMs ?? 5_000,
    // Resolved per call so msw's patched fetch is the one used.
    fetch: (input, init) => globalThis.fetch(input, init),
    logger: over.logger ?? createLogger({ level: 'silent' }),
    now: () => new Date('2024-06-01T00:00:00Z'),
  });
}

export interface SfWireRequest {
  partnerID: string;
  requestID: string;
  serviceCode: string;
  timestamp: string;
  msgDigest: string;
  digestOk: boolean;
  msgData: Record<string, unknown>;
}

const MsgObject = z.record(z.string(), z.unknown());

export async function readSfRequest(request: Request): Promise<SfWireRequest> {
  const form = new URLSearchParams(await request.text());
  const get = (k: string) => form.get(k) ?? '';
  const msgText = get('msgData');
  return {
    partnerID: get('partnerID'),
    requestID: get('requestID'),
    serviceCode: get('serviceCode'),
    timestamp: get('timestamp'),
    msgDigest: get('msgDigest'),
    digestOk: get('msgDigest') === sfMsgDigest(msgText, get('timestamp'), TEST_CHECKWORD),
    msgData: MsgObject.parse(JSON.parse(msgText)),
  };
}

/** SF's envelope with apiResultData as a JSON string (what the gateway really sends). Reply with HttpResponse.json(...). */
export function sfEnvelope(apiResultData: unknown, apiResultCode = 'A1000', apiErrorMsg: string | null = null) {
  return { apiResultCode, apiErrorMsg, apiResponseID: 'RESP1', apiResultData: apiResultData === undefined ? null : JSON.stringify(apiResultData) };
}

export function sfOk(msgData: unknown) {
  return sfEnvelope({ success: true, errorCode: 'S0000', errorMsg: null, msgData });
}

export function sfFail(errorCode: string, errorMsg: string) {
  return sfEnvelope({ success: false, errorCode, errorMsg, msgData: null });
}
