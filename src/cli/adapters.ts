import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { isAdapterNote, renderAllDocs } from '../sdk/docs.js';
import { packageRoot } from '../util/package-info.js';

/** `zhongshu adapters list`: what is registered, with kind, status and capabilities. */
export async function adaptersListCommand(): Promise<number> {
  for (const d of [...BUILTIN_ADAPTERS].sort((a, b) => a.manifest.id.localeCompare(b.manifest.id))) {
    const m = d.manifest;
    process.stdout.write(`${m.id.padEnd(16)} ${m.kind.padEnd(9)} ${m.status.padEnd(12)} v${m.version.padEnd(8)} ${m.capabilities.join(', ')}\n`);
  }
  return 0;
}

/**
 * `zhongshu adapters docs [--check]`: writes docs/adapters/ from the manifests; with --check,
 * exits 1 naming every stale or missing file (CI runs it so docs never drift from code).
 */
export async function adaptersDocsCommand(opts: { check?: boolean }): Promise<number> {
  const root = packageRoot();
  const files = renderAllDocs(BUILTIN_ADAPTERS);
  const dir = path.join(root, 'docs', 'adapters');
  const existing = await readdir(dir).catch(() => []);
  const stale: string[] = [];
  for (const [rel, content] of files) {
    const current = await readFile(path.join(root, rel), 'utf8').catch(() => null);
    if (current !== content) stale.push(rel);
  }
  const extra = existing.filter((f) => !isAdapterNote(f, BUILTIN_ADAPTERS)).map((f) => `docs/adapters/${f}`).filter((rel) => !files.has(rel));
  if (opts.check) {
    for (const f of [...stale, ...extra]) process.stderr.write(`stale: ${f}\n`);
    if (stale.length || extra.length) process.stderr.write('run `node bin/zhongshu.js adapters docs` and commit the result\n');
    return stale.length || extra.length ? 1 : 0;
  }
  await mkdir(dir, { recursive: true });
  for (const rel of stale) await writeFile(path.join(root, rel), files.get(rel) ?? '');
  for (const rel of extra) await rm(path.join(root, rel));
  process.stdout.write(`docs/adapters: ${stale.length} written, ${extra.length} removed, ${files.size - stale.length} unchanged\n`);
  return 0;
}
