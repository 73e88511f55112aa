import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

// Built by `npm run build` into dist/console, served by the hub under /console (src/http/console.ts).
export default defineConfig({
  root: here,
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: path.resolve(here, '../../dist/console'), emptyOutDir: true, sourcemap: false, reportCompressedSize: false, target: 'es2022' },
  logLevel: 'warn',
});
