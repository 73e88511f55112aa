import { z } from 'zod';
import { SandboxLog, startSandboxServer, type SandboxDefinition, type SandboxRequest, type SandboxResponse, type SandboxStartOptions, type SandboxSystem } from '../../src/sandbox/core.js';
import { RobotInbox, ROBOT_MSGTYPE, distinct, robotContract, type RobotMessage } from '../../src/sandbox/robot-kit.js';
import { signatureFaultGate } from '../../src/sandbox/signature-fault.js';
import { ADAPTER_ID } from './operations/send-alert.js';

/**
 * A WeCom group robot on 127.0.0.1: `POST /cgi-bin/webhook/send?key=KEY` with text or markdown,
 * answered `{errcode, errmsg}` like WeCom. Every accepted message is kept with its mentions
 * (text: mentioned_list / mentioned_mobile_list; markdown: inline `<@userid>`). A wrong key is
 * 93000, more than 20 messages a minute 45009, content over the byte limits 40058, an unknown
 * msgtype 40008. The robot has no signature: BAD_SIGNATURE answers as a wrong key would.
 */
export const WECOM_SANDBOX_ERRCODE = {
  OK: 0,
  INVALID_WEBHOOK: 93000,
  FREQ_LIMIT: 45009,
  BAD_MSGTYPE: 40008,
  /** Content too long or missing (WeCom's "invalid parameter" family; exact code per field UNVERIFIED). */
  BAD_CONTENT: 40058,
} as const;

export const WECOM_SANDBOX_PATH = '/cgi-bin/webhook/send';
export const WECOM_SANDBOX_DEFAULTS = { key: 'sandbox-wecom-key' } as const;
const LIMIT_BYTES = { text: 2048, markdown: 4096 } as const;

export interface WecomSandboxOptions extends SandboxStartOptions {
  key?: string;
  /** Messages a minute before 45009; null disables the limit (default 20, WeCom's). */
  perMinute?: number | null;
}

export interface WecomSandboxState {
  messages: RobotMessage[];
  counts: { accepted: number; refused: number };
}

export interface WecomSandbox extends SandboxSystem {
  state(): WecomSandboxState;
}

const Body = z.discriminatedUnion('msgtype', [
  z.object({
    msgtype: z.literal(ROBOT_MSGTYPE.TEXT),
    text: z.object({ content: z.string().min(1), mentioned_list: z.array(z.string()).optional(), mentioned_mobile_list: z.array(z.string()).optional() }),
  }),
  z.object({ msgtype: z.literal(ROBOT_MSGTYPE.MARKDOWN), markdown: z.object({ content: z.string().min(1) }) }),
]);

const INLINE_MENTION = /<@([^>\s]+)>/g;

async function start(opts: WecomSandboxOptions = {}): Promise<WecomSandbox> {
  const clock = opts.clock ?? (() => new Date());
  const key = opts.key ?? WECOM_SANDBOX_DEFAULTS.key;
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

  function handle(req: SandboxRequest): SandboxResponse {
    if (req.method !== 'POST' || req.path !== WECOM_SANDBOX_PATH) return { status: 404, body: 'not found' };
    if (gate.badSignature() || req.query.get('key') !== key) return answer(WECOM_SANDBOX_ERRCODE.INVALID_WEBHOOK, 'invalid webhook url, hint: [sandbox] from ip: 127.0.0.1');
    let json: unknown;
    try {
      json = JSON.parse(req.text);
    } catch {
      return answer(WECOM_SANDBOX_ERRCODE.BAD_MSGTYPE, 'Warning: wrong json format.');
    }
    const b = Body.safeParse(json);
    if (!b.success) {
      const path = b.error.issues[0]?.path.join('.') ?? '';
      return path === 'msgtype' || path === '' ? answer(WECOM_SANDBOX_ERRCODE.BAD_MSGTYPE, 'invalid message type') : answer(WECOM_SANDBOX_ERRCODE.BAD_CONTENT, `invalid parameter: ${path}`);
    }
    const content = b.data.msgtype === ROBOT_MSGTYPE.TEXT ? b.data.text.content : b.data.markdown.content;
    const max = LIMIT_BYTES[b.data.msgtype];
    if (Buffer.byteLength(content, 'utf8') > max) return answer(WECOM_SANDBOX_ERRCODE.BAD_CONTENT, `${b.data.msgtype}.content exceed max length ${max}`);
    if (inbox.limited()) return answer(WECOM_SANDBOX_ERRCODE.FREQ_LIMIT, 'api freq out of limit');
    const users = b.data.msgtype === ROBOT_MSGTYPE.TEXT ? (b.data.text.mentioned_list ?? []) : [...content.matchAll(INLINE_MENTION)].map((m) => m[1] ?? '');
    const mobiles = b.data.msgtype === ROBOT_MSGTYPE.TEXT ? (b.data.text.mentioned_mobile_list ?? []) : [];
    const all = users.includes('@all') || mobiles.includes('@all');
    const msg = inbox.accept({
      msgtype: b.data.msgtype,
      title: null,
      content,
      mentions: { users: distinct(users.filter((u) => u !== '@all')), mobiles: distinct(mobiles.filter((m) => m !== '@all')), all },
    });
    log.record('message.sent', String(msg.seq), { msgtype: msg.msgtype, mentions: msg.mentions });
    return answer(WECOM_SANDBOX_ERRCODE.OK, 'ok');
  }

  const gate = signatureFaultGate(await startSandboxServer({ port: opts.port, handler: handle }));
  const server = gate.server;

  return {
    adapter: ADAPTER_ID,
    server,
    log,
    connectorConfig: () => ({ webhookUrl: `${server.url}${WECOM_SANDBOX_PATH}`, key }),
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
  contract: (system: WecomSandbox) => robotContract(() => system.state().messages),
} satisfies SandboxDefinition<WecomSandbox>;
