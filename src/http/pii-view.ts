import type { CanonicalOrder, Pii } from '../canonical/order.js';
import type { Role } from '../config/schema.js';
import { maskPii } from '../mapping/redact.js';

/**
 * How much recipient and buyer data a role sees in an order answer (least privilege):
 * - full: everything as the platform sent it (customer service answers the buyer);
 * - shipping: what a warehouse needs to ship and check a parcel: the delivery address and the
 *   recipient's name, the phone only in its masked form, no buyer account data;
 * - none: no personal data at all (finance reconciles money, not people): region only.
 */
export const PII_VIEW = { FULL: 'full', SHIPPING: 'shipping', NONE: 'none' } as const;
export type PiiView = (typeof PII_VIEW)[keyof typeof PII_VIEW];
export const PII_VIEWS = [PII_VIEW.FULL, PII_VIEW.SHIPPING, PII_VIEW.NONE] as const;

export type PiiViews = Readonly<Partial<Record<Role, PiiView>>>;

export const DEFAULT_PII_VIEWS: PiiViews = {
  operations_lead: PII_VIEW.FULL,
  customer_service: PII_VIEW.FULL,
  warehouse: PII_VIEW.SHIPPING,
  finance: PII_VIEW.NONE,
  platform_engineer: PII_VIEW.NONE,
  sre: PII_VIEW.NONE,
};

const RANK: Record<PiiView, number> = { none: 0, shipping: 1, full: 2 };

/** A key holding several roles sees the widest of their views; a role not configured sees none. */
export function piiViewFor(roles: readonly Role[], views: PiiViews): PiiView {
  let best: PiiView = PII_VIEW.NONE;
  for (const r of roles) {
    const v = views[r] ?? PII_VIEW.NONE;
    if (RANK[v] > RANK[best]) best = v;
  }
  return best;
}

/** The last four characters stay (enough to tell two parcels apart on the phone), the rest is starred. */
function maskTail(text: string): string {
  const keep = text.length > 6 ? 4 : 0;
  return `${'*'.repeat(Math.max(3, text.length - keep))}${text.slice(text.length - keep)}`;
}

/** The platform's own masked form, else one derived from the plaintext; never ciphertext or plaintext. */
function maskedOnly(p: Pii | null | undefined): Pii | null {
  if (!p) return null;
  const masked = p.masked ?? (p.plaintext ? maskTail(p.plaintext) : null);
  return masked ? { masked } : null;
}

type Viewable = { order: CanonicalOrder; hold?: { message: string } | null };

/**
 * The order answer as `view` may see it. Pure: the same state gives the same answer, and the
 * input is not changed. A hold's message may quote the address, so it is masked with the
 * order's own PII values whenever the view hides any.
 */
export function orderForView<T extends Viewable>(state: T, view: PiiView): T {
  if (view === PII_VIEW.FULL) return state;
  const o = state.order;
  const { raw: _raw, ...address } = o.address;
  const hold = state.hold ? { ...state.hold, message: maskPii(state.hold.message, o) } : state.hold;
  if (view === PII_VIEW.SHIPPING) {
    const order: CanonicalOrder = { ...o, buyer: { handle: null }, recipient: { name: o.recipient.name ?? null, phone: maskedOnly(o.recipient.phone) }, address };
    return { ...state, order, hold };
  }
  const order: CanonicalOrder = {
    ...o,
    buyer: { handle: null },
    recipient: { name: null, phone: null },
    address: { country: address.country, province: address.province, city: address.city, district: null, street: null, detail: null, postalCode: null, divisionCode: null },
    buyerMessage: null,
  };
  return { ...state, order, hold };
}
