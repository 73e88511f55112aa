import { z } from 'zod';
import { envBool, envInt, secretRef, type Env } from '../config/env-ref.js';

/** KDNiao ShipperCodes seen in a source (WIRE-FORMATS §2, KDNiao column). */
const SHIPPER_CODE = z.string().regex(/^[A-Z0-9]{2,10}$/, 'a KDNiao ShipperCode (SF, EMS, YZPY, YTO, ZTO, STO, YD, JD...)');

/**
 * `tracking`: the back-fill robot. Parcels of carriers without route pushes (EMS by default) are
 * queried on KDNiao by a Temporal Schedule and their orders moved to picked up and delivered; a
 * parcel without news for `stalledHours`, or one KDNiao reports as a problem (State 4), is flagged
 * stalled and told once. With `backfill.wms`, shipments the WMS reports through its logistics sync
 * give orders without a tracking number theirs (单号补录).
 */
export function trackingSchema(env: Env) {
  return z
    .object({
      enabled: envBool(env).default(false),
      /** The KDNiao connector (adapter kdniao) the robot queries. */
      kdniao: z.string().min(1).optional(),
      everyMinutes: envInt(env, { min: 1 }).default(30),
      /**
       * Courier connector id (or its adapter id) -> KDNiao ShipperCode, for the carriers whose
       * parcels the robot follows (those without a route push to the hub).
       */
      carriers: z.record(z.string(), SHIPPER_CODE).default({ ems: 'EMS' }),
      /**
       * KDNiao's instant query takes one waybill per request; these keep a run inside its
       * per-second and per-day quotas (the quota figures of a plan are UNVERIFIED: set them to yours).
       */
      batchSize: envInt(env, { min: 1, max: 200 }).default(50),
      maxPerRun: envInt(env, { min: 1 }).default(1000),
      requestsPerSecond: z.number().positive().max(50).default(5),
      /** No new trace for this long flags the parcel stalled (fractions allowed). */
      stalledHours: z.number().positive().default(48),
      /** A parcel is given up (and listed stalled if not delivered) this long after registration. */
      maxTrackDays: envInt(env, { min: 1 }).default(30),
      /**
       * KDNiao's track push (subscription callback) is received at
       * POST /webhooks/kdniao/push/<pushToken>, its DataSign checked with the connector's AppKey.
       * Unset = receiver off (the robot only queries).
       */
      pushToken: secretRef(env).optional(),
      /**
       * Subscribe each followed parcel on KDNiao (RequestType 8008) when it is registered, so its
       * traces are pushed to the receiver above (set that URL in the KDNiao account); the sweep
       * keeps querying as a fallback. Needs pushToken.
       */
      subscribe: envBool(env).default(false),
      backfill: z
        .object({
          /** WMS connector whose logistics.sync reports shipments (Wangdiantong). */
          wms: z.string().min(1).optional(),
          /** The WMS's logistics code -> KDNiao ShipperCode where they differ. */
          logisticsCodes: z.record(z.string(), SHIPPER_CODE).default({}),
        })
        .strict()
        .prefault({}),
    })
    .strict()
    .refine((t) => !t.subscribe || t.pushToken !== undefined, { message: 'subscribe needs pushToken: KDNiao pushes the subscribed traces to /webhooks/kdniao/push/<pushToken>', path: ['subscribe'] })
    .prefault({});
}

export type TrackingConfig = z.output<ReturnType<typeof trackingSchema>>;
