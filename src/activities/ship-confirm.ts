import { ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import type { CanonicalOrder } from '../canonical/order.js';
import { PLATFORM } from '../canonical/status.js';
import { CAPABILITY } from '../sdk/capabilities.js';
import type { AdapterRegistry } from '../sdk/registry.js';
import type { InvokeAdapterInput } from './invoke-adapter.js';
import { FAILURE_TYPE } from '../sdk/failure-types.js';

export interface ShipConfirmRequest {
  /** The platform connector that is told (the channel's connector). */
  connector: string;
  /** The courier connector that issued the waybill (its adapter decides the carrier code). */
  courier: string;
  idempotencyKey: string;
  order: CanonicalOrder;
  waybillNo: string;
  shippedAt: string;
}

/** The platform's own code for a courier (by its hub courier id), or a thrown error naming both. */
export type CarrierCodeLookup = (platform: string, courier: string) => string;

/**
 * Built-in courier adapters and the hub courier id (KDNiao ShipperCode, the key of
 * mappings/_tables/carrier-codes.json) each ships with. A partner courier is not listed: its
 * confirmation fails as NotConfigured, naming the adapter, until it is added here.
 */
export const COURIER_ID_OF_ADAPTER: Readonly<Record<string, string>> = { 'sf-express': 'SF', ems: 'EMS' };

/**
 * A platform e-waybill connector (a Douyin connector with `ewaybill` set) issues waybills of the
 * logistics company its subscription names: its config says which, as a hub courier id.
 */
const PlatformWaybillConfig = z.looseObject({ ewaybill: z.looseObject({ courier: z.string().min(1) }) });

function courierIdOf(registry: AdapterRegistry, connector: string, adapter: string): string | undefined {
  const builtIn = COURIER_ID_OF_ADAPTER[adapter];
  if (builtIn) return builtIn;
  const c = PlatformWaybillConfig.safeParse(registry.resolvedConfig(connector));
  return c.success ? c.data.ewaybill.courier : undefined;
}

/**
 * 发货回传: tells the platform which carrier and tracking number the parcel left with. The
 * platform's carrier code comes from the table of codes per platform; a missing code is a
 * configuration error a person must fix (non-retryable), not an outage.
 */
export function createShipConfirm(deps: { registry: AdapterRegistry; carrierCode: CarrierCodeLookup; invoke: (req: InvokeAdapterInput) => Promise<unknown> }) {
  return async function confirmShipment(req: ShipConfirmRequest): Promise<{ confirmed: boolean; carrierCode: string }> {
    const courierAdapter = deps.registry.adapterOf(req.courier);
    if (!courierAdapter) throw ApplicationFailure.nonRetryable(`shipment confirmation: no courier connector "${req.courier}"`, FAILURE_TYPE.NOT_CONFIGURED);
    const platform = req.order.source.platform;
    const courierId = courierIdOf(deps.registry, req.courier, courierAdapter);
    if (!courierId) throw ApplicationFailure.nonRetryable(`shipment confirmation: courier adapter "${courierAdapter}" has no hub courier id (carrier-codes table; a platform e-waybill connector names it in ewaybill.courier)`, FAILURE_TYPE.NOT_CONFIGURED);
    let carrierCode: string;
    try {
      carrierCode = deps.carrierCode(platform, courierId);
    } catch (err) {
      throw ApplicationFailure.nonRetryable(`shipment confirmation: ${err instanceof Error ? err.message : String(err)}`, FAILURE_TYPE.NOT_CONFIGURED);
    }
    const lines = req.order.lines.filter((l) => !l.gift);
    const input: Record<string, unknown> = { orderId: req.order.source.platformOrderId, trackingNumber: req.waybillNo, carrierCode };
    if (platform === PLATFORM.AMAZON) Object.assign(input, { shipDate: req.shippedAt, lines: lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity })) });
    await deps.invoke({ connector: req.connector, capability: CAPABILITY.SHIPMENT_CONFIRM, idempotencyKey: req.idempotencyKey, input });
    return { confirmed: true, carrierCode };
  };
}
