// The library API: mount the hub in an existing Node service, or use its parts.
export { createHub, type Hub, type HubOptions } from './hub.js';
export { createApp, type AppDeps, type HubApp } from './http/app.js';
export { HttpError } from './http/errors.js';
export { loadConfigFile, parseConfig, parseConfigText, ConfigError, type ConfigProblem } from './config/load.js';
export { configSchema, ROLES, type HubConfig, type ChannelConfig, type Role } from './config/schema.js';
export { CanonicalOrder, Money, Address, OrderLine, Pii, orderKey, CANONICAL_ORDER_VERSION } from './canonical/order.js';
export { ORDER_STATUS, REFUND_STATUS, PLATFORM, type OrderStatus, type RefundStatus, type Platform } from './canonical/status.js';
export { MappingEngine, MappingError, parseMappingId, type MappingLimits } from './mapping/engine.js';
export { mapInboundOrder, type InboundContext } from './mapping/inbound.js';
export { createActivities, type Activities } from './activities/index.js';
export { startEmbeddedTemporal, startEmbeddedRedis } from './embedded/services.js';
export { createLogger, type Logger } from './logger.js';
export { parseJsonSafe } from './util/json.js';
export { LIFECYCLE_STATE, type LifecycleState, type TimelineEntry } from '../workflows/states.js';
export type { OrderLifecycleInput, OrderState } from '../workflows/order-lifecycle.js';
