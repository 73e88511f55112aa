import type { ChannelConfig } from '../config/schema.js';
import type { Capability } from '../sdk/capabilities.js';
import { CAPABILITY } from '../sdk/capabilities.js';
import { SHADOW_WRITES, shadowAnswer } from './answers.js';
import { CHANNEL_MODE } from './mode.js';
import type { ShadowRecorder } from './recorder.js';

/** Order workflows are `order:<channel>:<platform order id>` (src/intake/order-intake.ts). */
const ORDER_WORKFLOW = /^order:([a-z0-9][a-z0-9-]*):/;

export interface ShadowRequest {
  connector: string;
  capability: Capability;
  idempotencyKey: string;
  /** The request as it would go out (the outbound mapping already applied). */
  payload: unknown;
  workflowId: string;
}

/**
 * Decides, per downstream write, whether it goes to the real system or to the recorder. An order
 * workflow follows its channel's mode, pinned at its first write; a stock push follows the
 * platform connector's channels (recorded only when every channel on it is in shadow).
 */
export class ShadowGate {
  private readonly channels: Map<string, ChannelConfig>;

  constructor(
    channels: readonly ChannelConfig[],
    private readonly recorder: ShadowRecorder | null,
  ) {
    this.channels = new Map(channels.map((c) => [c.id, c]));
  }

  /** The shadow answer when this write is recorded instead of sent; null: send it. */
  async route(req: ShadowRequest): Promise<Record<string, unknown> | null> {
    if (!SHADOW_WRITES.has(req.capability)) return null;
    const channel = await this.shadowChannelOf(req);
    if (!channel) return null;
    if (!this.recorder) throw new Error(`channel ${channel} is in shadow mode but no order store is configured to record its writes`);
    const answer = shadowAnswer(req.capability, req.idempotencyKey);
    await this.recorder.record({ idempotencyKey: req.idempotencyKey, recordedAt: new Date().toISOString(), workflowId: req.workflowId, channel, connector: req.connector, capability: req.capability, request: req.payload, answer });
    return answer;
  }

  private async shadowChannelOf(req: ShadowRequest): Promise<string | null> {
    const m = ORDER_WORKFLOW.exec(req.workflowId);
    if (m?.[1]) return this.orderChannel(m[1], req.workflowId);
    if (req.capability !== CAPABILITY.INVENTORY_PUSH) return null;
    const on = [...this.channels.values()].filter((c) => c.connector === req.connector);
    return on.length && on.every((c) => c.mode === CHANNEL_MODE.SHADOW) ? on.map((c) => c.id).join(',') : null;
  }

  private async orderChannel(id: string, workflowId: string): Promise<string | null> {
    const ch = this.channels.get(id);
    if (!ch) return null;
    // Pinned at the first write whatever the mode: an order that began live stays live after its
    // channel turns to shadow, and one recorded in shadow is never half-sent after the switch to live.
    const mode = this.recorder ? await this.recorder.pin(workflowId, id, ch.mode) : ch.mode;
    return mode === CHANNEL_MODE.SHADOW ? id : null;
  }
}
