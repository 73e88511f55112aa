import type { CourierParty } from '../_shared/waybill.js';

export const SF_CONTACT_TYPE = { SENDER: 1, RECEIVER: 2 } as const;

/**
 * A party in SF's contactInfoList shape. SF wants a city: for a county-level unit directly under
 * a province (济源) the unit itself is sent as the city, which is how SF's own address picker
 * lists them. Null optional fields are left out, not sent as null.
 */
export function toSfContact(p: CourierParty, contactType: (typeof SF_CONTACT_TYPE)[keyof typeof SF_CONTACT_TYPE]) {
  return {
    contactType,
    contact: p.name,
    ...(p.mobile ? { mobile: p.mobile } : {}),
    ...(p.tel ? { tel: p.tel } : {}),
    ...(p.company ? { company: p.company } : {}),
    country: p.country,
    province: p.province,
    city: p.city ?? p.district ?? p.province,
    ...(p.district ? { county: p.district } : {}),
    address: p.detail,
  };
}
