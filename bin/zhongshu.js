#!/usr/bin/env node
// The CLI runs the compiled build; `npm run build` (done by `npm start` and `npm test`) makes it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'dist', 'src', 'cli.js');
if (!existsSync(entry)) {
  process.stderr.write(`zhongshu: ${entry} is missing; run \`npm run build\` in ${root} first\n`);
  process.exit(1);
}
await import(entry);
