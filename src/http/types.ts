import type { RequestIdVariables } from 'hono/request-id';
import type { Principal } from './auth.js';

export type AppEnv = { Variables: RequestIdVariables & { principal: Principal } };
