/** How a channel's downstream writes are carried out (channels[].mode). */
export const CHANNEL_MODE = { LIVE: 'live', SHADOW: 'shadow' } as const;
export type ChannelMode = (typeof CHANNEL_MODE)[keyof typeof CHANNEL_MODE];

/** Prefix of every identifier a shadow answer invents (waybill numbers, WMS trade ids). */
export const SHADOW_PREFIX = 'SHADOW-';
