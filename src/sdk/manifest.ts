import { z } from 'zod';
import { ADAPTER_KIND, ADAPTER_STATUS, CAPABILITY } from './capabilities.js';

const MAPPING_ID = /^[a-z0-9-]+\/[a-z0-9-]+\.v\d+$/;

export const AdapterManifest = z
  .object({
    /** Stable, kebab-case: config and workflow histories refer to it. */
    id: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'kebab-case id expected'),
    contractVersion: z.number().int().positive(),
    version: z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'semver expected'),
    status: z.enum(ADAPTER_STATUS),
    kind: z.enum(ADAPTER_KIND),
    displayName: z.string().min(1),
    summary: z.string().min(1),
    capabilities: z.array(z.enum(CAPABILITY)).min(1),
    mappings: z
      .object({ inbound: z.array(z.string().regex(MAPPING_ID)).default([]), outbound: z.array(z.string().regex(MAPPING_ID)).default([]) })
      .strict()
      .prefault({}),
    /** Where the wire format is documented, for people reading the generated docs. */
    docs: z.string().url().optional(),
  })
  .strict();
export type AdapterManifest = z.output<typeof AdapterManifest>;
export type AdapterManifestInput = z.input<typeof AdapterManifest>;
