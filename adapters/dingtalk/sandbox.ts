import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { SandboxLog, startSandboxServer, type SandboxDefinition, type SandboxRequest, type SandboxResponse, type SandboxStartOptions, type SandboxSystem } from '../../src/sandbox/core.js';
import { RobotInbox, ROBOT_MSGTYPE, distinct, robotContract, type RobotMessage } from '../../src/sandbox/robot-kit.js';
import { signatureFaultGate } from '../../src/sandbox/signature-fault.js';
import { ADAPTER_ID } from './operations/send-alert.js';
import { dingtalkSign } from './sign.js';

/**
 * A DingTalk custom robot on 127.0.0.1: `POST /robot/send?access_token=T[&timestamp=MS&sign=S]`
 * with text or markdown and an `at` block, answered `{errcode, errmsg}`. With a sign secret
 * (加签) the timestamp must be within an hour and the sign must match; with keywords the
 * content must carry one; both failures are 310000 like DingTalk. A wrong token is 300001, more
 * than 20 messages a minute 130101 (the adapter's transient code; DingTalk's exact throttle
 * code is UNVERIFIED). Every accepted message is kept with its @ mentions.
 */
export const DINGTALK_SANDBOX_ERRCODE = {
  OK: 0,
  BAD_TOKEN: 300001,
  SECURITY: 310000,
  SEND_TOO_FAST: 130101,
  /** Missing or unknown msgtype / content (DingTalk's 400xxx family; the exact number per field UNVERIFIED). */
  BAD_MESSAGE: 400101,
} as const;

export const DINGTALK_SANDBOX_PATH = '/robot/send';
export const DINGTALK_SANDBOX_DEFAULTS = { accessToken: 'sandbox-dingtalk-token', signSecret: 'SECsandbox-dingtalk-secret' } as const;
const MAX_SKEW_MS = 3_600_000;

export interface DingtalkSandboxOptions extends SandboxStartOptions {
  accessToken?: string;
  /** 加签 secret; null: the robot checks no signature (then keywords or IPs protect it). */
  signSecret?: string | null;
  /** 自定义关键词: a message must contain at least one. */
  keywords?: string[];
  perMinute?: number | null;
}

export interface DingtalkSandboxState {
  messages: RobotMessage[];
  counts: { accepted: number; refused: number };
}

export interface DingtalkSandbox extends SandboxSystem {
  state(): DingtalkSandboxState;
}

const At = z.object({ atMobiles: z.array(z.string()).optional(), atUserIds: z.array(z.string()).optional(), isAtAll: z.boolean().optional() }).optional();
const Body = z.discriminatedUnion('msgtype', [
  z.object({ msgtype: z.literal(ROBOT_MSGTYPE.TEXT), text: z.object({ content: z.string().min(1) }), at: At }),
  z.object({ msgtype: z.literal(ROBOT_MSGTYPE.MARKDOWN), markdown: z.object({ title: z.string().min(1), text: z.string().min(1) }), at: At }),
]);

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

async function start(opts: DingtalkSandboxOptions = {}): Promise<DingtalkSandbox> {
  const clock = opts.clock ?? (() => new Date());
  const accessToken = opts.accessToken ?? DINGTALK_SANDBOX_DEFAULTS.accessToken;
  const signSecret = opts.signSecret === undefined ? DINGTALK_SANDBOX_DEFAULTS.signSecret : opts.signSecret;
  const log = new SandboxLog(ADAPTER_ID, clock);
  const inbox = new RobotInbox(clock, opts.perMinute === undefined ? 20 : opts.perMinute);
  let refused = 0;

  const answer = (errcode: number, errmsg: string): SandboxResponse => {
    if (errcode !== 0) {
      refused++;
      log.record('message.refused', null, { errcode, errmsg });
    }
    return { body: { errcode, errmsg } };
  };

  /** The sign as it arrived: the query parser already undid the one URL-encoding the robot expects. */
  function signOk(query: URLSearchParams): string | null {
    if (signSecret === null) return null;
    const ts = query.get('timestamp') ?? '';
    const sign = query.get('sign') ?? '';
    if (!/^\d+$/.test(ts) || Math.abs(clock().getTime() - Number(ts)) > MAX_SKEW_MS) return 'invalid timestamp';
    if (!sameText(sign, decodeURIComponent(dingtalkSign(Number(ts), signSecret)))) return 'sign not match';
    return null;
  }

  function handle(req: SandboxRequest): SandboxResponse {
    if (req.method !== 'POST' || req.path !== DINGTALK_SANDBOX_PATH) return { status: 404, body: 'not found' };
    if (req.query.get('access_token') !== accessToken) return answer(DINGTALK_SANDBOX_ERRCODE.BAD_TOKEN, 'token is not exist');
    const forced = gate.badSignature();
    const signProblem = forced ? 'sign not match' : signOk(req.query);
    if (signProblem) return answer(DINGTALK_SANDBOX_ERRCODE.SECURITY, `${signProblem}, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]`);
    let json: unknown;
    try {
      json = JSON.parse(req.text);
    } catch {
      return answer(DINGTALK_SANDBOX_ERRCODE.BAD_MESSAGE, 'param error: body is not JSON');
    }
    const b = Body.safeParse(json);
    if (!b.success) return answer(DINGTALK_SANDBOX_ERRCODE.BAD_MESSAGE, `param error: ${b.error.issues[0]?.path.join('.') || 'msgtype'}`);
    const content = b.data.msgtype === ROBOT_MSGTYPE.TEXT ? b.data.text.content : b.data.markdown.text;
    const title = b.data.msgtype === ROBOT_MSGTYPE.MARKDOWN ? b.data.markdown.title : null;
    if (opts.keywords && opts.keywords.length > 0 && !opts.keywords.some((k) => content.includes(k) || (title ?? '').includes(k))) {
      return answer(DINGTALK_SANDBOX_ERRCODE.SECURITY, 'keywords not in content, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]');
    }
    if (inbox.limited()) return answer(DINGTALK_SANDBOX_ERRCODE.SEND_TOO_FAST, 'send too fast, exceed 20 times per minute');
    const at = b.data.at ?? {};
    const msg = inbox.accept({ msgtype: b.data.msgtype, title, content, mentions: { users: distinct(at.atUserIds ?? []), mobiles: distinct(at.atMobiles ?? []), all: at.isAtAll === true } });
    log.record('message.sent', String(msg.seq), { msgtype: msg.msgtype, mentions: msg.mentions });
    return answer(DINGTALK_SANDBOX_ERRCODE.OK, 'ok');
  }

  const gate = signatureFaultGate(await startSandboxServer({ port: opts.port, handler: handle }));
  const server = gate.server;

  return {
    adapter: ADAPTER_ID,
    server,
    log,
    connectorConfig: () => ({ webhookUrl: `${server.url}${DINGTALK_SANDBOX_PATH}`, accessToken, ...(signSecret === null ? {} : { signSecret }) }),
    state() {
      const messages = inbox.list();
      return { messages, counts: { accepted: messages.length, refused } };
    },
    close: () => server.close(),
  };
}

// `satisfies` keeps start()'s own options visible to callers (routePushToken, delays...) while checking the shape.
export const sandbox = {
  adapter: ADAPTER_ID,
  start,
  /** What the contract kit calls: one alert, which the robot must then hold. */
  contract: (system: DingtalkSandbox) => robotContract(() => system.state().messages),
} satisfies SandboxDefinition<DingtalkSandbox>;
