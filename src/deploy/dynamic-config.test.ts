import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { EMBEDDED_DYNAMIC_CONFIG } from '../embedded/services.js';

// The embedded dev server and the production topology must run the engine the same way: a
// setting the bench measured on the dev server (eager activity dispatch) that production lacks
// would make the README's latency figures untrue there.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const file = path.join(root, 'deploy/temporal/config/dynamicconfig/zhongshu.yaml');
const DynamicConfig = z.record(z.string(), z.array(z.looseObject({ value: z.union([z.string(), z.number(), z.boolean()]), constraints: z.unknown().optional() })).min(1));

/** Keys of `embedded` whose value production lacks or sets otherwise (unconstrained entries only). */
function missingInProduction(embedded: Readonly<Record<string, unknown>>, production: z.infer<typeof DynamicConfig>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(embedded)) {
    const global = production[key]?.find((e) => e.constraints === undefined);
    if (!global) out.push(`${key}: not in ${path.relative(root, file)}`);
    else if (global.value !== value) out.push(`${key}: ${JSON.stringify(global.value)} in production, ${JSON.stringify(value)} embedded`);
  }
  return out;
}

describe('the production dynamic config carries every embedded dev-server setting', () => {
  const production = DynamicConfig.parse(parse(readFileSync(file, 'utf8')));

  it('has each key with the same value', () => {
    expect(Object.keys(EMBEDDED_DYNAMIC_CONFIG)).toContain('system.enableActivityEagerExecution');
    expect(missingInProduction(EMBEDDED_DYNAMIC_CONFIG, production)).toEqual([]);
  });

  it('catches a key production lacks or sets otherwise', () => {
    const { ['system.enableActivityEagerExecution']: _gone, ...without } = production;
    expect(missingInProduction(EMBEDDED_DYNAMIC_CONFIG, without)).toEqual(['system.enableActivityEagerExecution: not in deploy/temporal/config/dynamicconfig/zhongshu.yaml']);
    expect(missingInProduction(EMBEDDED_DYNAMIC_CONFIG, { ...production, 'system.enableActivityEagerExecution': [{ value: false }] })).toEqual(['system.enableActivityEagerExecution: false in production, true embedded']);
  });
});
