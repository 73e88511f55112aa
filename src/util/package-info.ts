import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root, found from this file whether it runs from src/ (tsx, vitest) or dist/src/. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'workflows'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the zhongshu package root');
}

export function packageVersion(): string {
  const parsed: unknown = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8'));
  return typeof parsed === 'object' && parsed !== null && 'version' in parsed && typeof parsed.version === 'string' ? parsed.version : '0.0.0';
}

/** The workflow entry: compiled JS next to this build when present, else the TypeScript source. */
export function workflowsPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const compiled = path.resolve(here, '../../workflows/index.js');
  if (here.includes(`${path.sep}dist${path.sep}`) && existsSync(compiled)) return compiled;
  return path.join(packageRoot(), 'workflows', 'index.ts');
}
