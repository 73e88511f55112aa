import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../util/package-info.js';
import { consoleClientSources } from './console-client.js';
import { buildOpenApi } from './openapi.js';

describe('the console client generated from the OpenAPI document', () => {
  it('is what the document gives today (run `npx tsx src/http/console-client.ts` after changing a route schema)', async () => {
    for (const s of await consoleClientSources()) {
      expect(await readFile(path.join(packageRoot(), s.file), 'utf8'), s.file).toBe(s.text);
    }
  });

  it('every $ref in the document points into components.schemas, where the schema is', () => {
    const doc = buildOpenApi('0.0.0');
    const text = JSON.stringify(doc);
    const refs = [...text.matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(refs.length).toBeGreaterThan(5);
    const components = (doc['components'] as { schemas: Record<string, unknown> }).schemas;
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(components[ref.slice('#/components/schemas/'.length)], ref).toBeDefined();
    }
  });
});
