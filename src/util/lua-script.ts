import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { errorMessage } from './errors.js';

/** A script run by EVALSHA, falling back to EVAL once when the server does not have it cached. */
export class LuaScript {
  readonly sha: string;
  constructor(readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }
  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      // After a restart or SCRIPT FLUSH the cache is empty; EVAL also caches it again.
      if (!errorMessage(err).startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}
