import { OPERATION_ROLES } from './generated/roles';

export const ROLE = {
  OPERATIONS_LEAD: 'operations_lead',
  CUSTOMER_SERVICE: 'customer_service',
  WAREHOUSE: 'warehouse',
  FINANCE: 'finance',
  PLATFORM_ENGINEER: 'platform_engineer',
  SRE: 'sre',
} as const;

/**
 * Whether the key's roles may call an operation, from the roles the OpenAPI operations name
 * (operations_lead may call everything). Only what the console offers: the hub checks regardless.
 */
export function can(roles: readonly string[], operation: string): boolean {
  if (roles.includes(ROLE.OPERATIONS_LEAD)) return true;
  const allowed = OPERATION_ROLES[operation];
  if (!allowed) return false;
  return allowed.includes('any') || roles.some((r) => allowed.includes(r));
}
