/**
 * What the group-robot sandboxes (WeCom, DingTalk) share: an inbox of every message a robot
 * accepted, with its mentions, and the per-robot rate limit both vendors enforce (20 messages a
 * minute), counted on the sandbox clock.
 */

import { CAPABILITY } from '../sdk/capabilities.js';
import type { SandboxContractCall } from './core.js';

export const ROBOT_MSGTYPE = { TEXT: 'text', MARKDOWN: 'markdown' } as const;
export type RobotMsgtype = (typeof ROBOT_MSGTYPE)[keyof typeof ROBOT_MSGTYPE];

export interface RobotMentions {
  /** User ids (WeCom mentioned_list / inline <@id>, DingTalk atUserIds). */
  users: string[];
  mobiles: string[];
  all: boolean;
}

export interface RobotMessage {
  seq: number;
  at: string;
  msgtype: RobotMsgtype;
  /** Markdown title (DingTalk only). */
  title: string | null;
  content: string;
  mentions: RobotMentions;
}

export class RobotInbox {
  private seq = 0;
  private readonly messages: RobotMessage[] = [];
  private readonly recent: number[] = [];

  constructor(
    private readonly clock: () => Date,
    /** Messages a minute before the robot refuses; null: no limit. */
    private readonly perMinute: number | null = 20,
  ) {}

  /** True when one more message this minute would exceed the limit (the refused one is not counted). */
  limited(): boolean {
    if (this.perMinute === null) return false;
    const now = this.clock().getTime();
    while (this.recent.length > 0 && (this.recent[0] ?? now) <= now - 60_000) this.recent.shift();
    return this.recent.length >= this.perMinute;
  }

  accept(m: Omit<RobotMessage, 'seq' | 'at'>): RobotMessage {
    const now = this.clock();
    this.recent.push(now.getTime());
    const msg: RobotMessage = { ...m, seq: ++this.seq, at: now.toISOString() };
    this.messages.push(msg);
    return msg;
  }

  list(): RobotMessage[] {
    return structuredClone(this.messages);
  }
}

/** Distinct values in order, so `@all` twice is one mention. */
export function distinct(list: readonly string[]): string[] {
  return [...new Set(list)];
}

/** What the contract kit calls on a robot's sandbox: one alert, which the robot must then hold. */
export function robotContract(messages: () => readonly RobotMessage[]): SandboxContractCall[] {
  return [
    {
      capability: CAPABILITY.ALERT_SEND,
      input: { title: 'contract check', text: 'order held for review', severity: 'warning', orderKey: 'contract:1001' },
      check: () => (messages().some((m) => m.content.includes('contract:1001')) ? null : 'the robot holds no message naming contract:1001'),
    },
  ];
}
