import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Role } from '../config/schema.js';
import { HttpError } from './errors.js';

export interface ApiKeyEntry {
  name: string;
  roles: readonly Role[];
  /** SHA-256 of the key: the key itself is not kept in memory after start. */
  sha256: Buffer;
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export function apiKeysFromConfig(keys: ReadonlyArray<{ name: string; roles: Role[]; key?: string | undefined; keySha256?: string | undefined }>): ApiKeyEntry[] {
  return keys.map((k) => ({ name: k.name, roles: k.roles, sha256: k.key !== undefined ? sha256(k.key) : Buffer.from(k.keySha256 ?? '', 'hex') }));
}

export interface Principal {
  name: string;
  roles: readonly Role[];
}

/** Reads `Authorization: Bearer <key>` or `X-API-Key`, compares hashes in constant time. */
export function authenticate(keys: readonly ApiKeyEntry[], header: { authorization?: string | undefined; apiKey?: string | undefined }): Principal | undefined {
  const bearer = header.authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  const presented = bearer ?? header.apiKey;
  if (!presented) return undefined;
  const h = sha256(presented);
  let found: ApiKeyEntry | undefined;
  // Compare against every key (no early exit) so timing does not tell which prefix matched.
  for (const k of keys) if (k.sha256.length === h.length && timingSafeEqual(k.sha256, h)) found = k;
  return found ? { name: found.name, roles: found.roles } : undefined;
}

export type AuthVariables = { principal: Principal };

/** Every /api route names the roles allowed; operations_lead may do everything. */
export function requireRole(keys: readonly ApiKeyEntry[], ...allowed: Role[]): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const p = authenticate(keys, { authorization: c.req.header('authorization'), apiKey: c.req.header('x-api-key') });
    if (!p) throw new HttpError(401, 'unauthenticated', 'a valid API key is required (Authorization: Bearer <key> or X-API-Key)');
    if (!p.roles.includes('operations_lead') && !p.roles.some((r) => allowed.includes(r))) {
      throw new HttpError(403, 'forbidden', `key "${p.name}" lacks a role allowed here (${allowed.join(', ')})`);
    }
    c.set('principal', p);
    await next();
  };
}
