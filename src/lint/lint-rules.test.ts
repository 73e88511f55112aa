import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

// Proves the lint rules in eslint.config.js catch what they exist for: workflow code reaching out of
// the deterministic sandbox, floating promises, and value imports used only as types.
//
// Why real files instead of lintText: the typed rules need typescript-eslint's project service,
// which only accepts files that are on disk and inside tsconfig.json ("was not found by the project
// service"). Its escape hatch, allowDefaultProject, would lint the probe under default compiler
// options instead of ours and would change eslint.config.js for everybody. So each probe is written
// next to real code (workflows/, src/), linted with lintFiles, and deleted. The names carry the pid
// so parallel runs do not collide, and .gitignore has `__lint_probe_*` so none can be committed.
// Probe contents type-check, so a `tsc` that happens to run meanwhile does not fail on them.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PREFIX = `__lint_probe_${process.pid}_`;
const eslint = new ESLint({ cwd: root });
const written = new Set<string>();
let seq = 0;

/** Writes `code` to a fresh probe file in `dir` (relative to the repo root); returns its path. */
function probe(dir: string, code: string, name = `${seq++}`): string {
  const file = path.join(root, dir, `${PREFIX}${name}.ts`);
  writeFileSync(file, code);
  written.add(file);
  return file;
}

interface Finding {
  ruleId: string | null;
  severity: number;
  message: string;
}

async function lint(file: string): Promise<Finding[]> {
  const [result] = await eslint.lintFiles([file]);
  if (!result) throw new Error(`eslint returned nothing for ${file}`);
  // A fatal message means the file was not linted at all (ignored, or refused by the project
  // service); no assertion about rules may pass on that.
  const fatal = result.messages.find((m) => m.fatal);
  if (fatal) throw new Error(`${path.relative(root, file)} was not linted: ${fatal.message}`);
  return result.messages.map((m) => ({ ruleId: m.ruleId, severity: m.severity, message: m.message }));
}

const errorsOf = (findings: Finding[], ruleId: string) => findings.filter((f) => f.ruleId === ruleId && f.severity === 2);

const RESTRICTED = '@typescript-eslint/no-restricted-imports';
const FLOATING = '@typescript-eslint/no-floating-promises';
const TYPE_IMPORTS = '@typescript-eslint/consistent-type-imports';

// The first typed lint builds the whole TypeScript program (tens of seconds on a busy machine);
// pay for it once here, on a real workflow file, instead of inside the first test's timeout.
beforeAll(async () => {
  await lint(path.join(root, 'workflows', 'states.ts'));
}, 180_000);

afterEach(() => {
  for (const f of written) rmSync(f, { force: true });
  written.clear();
});

afterAll(() => {
  const left = ['workflows', 'workflows/lifecycle/steps', 'src'].flatMap((d) => readdirSync(path.join(root, d)).filter((f) => f.startsWith(PREFIX)));
  expect(left, 'probe files left behind').toEqual([]);
});

describe('workflow sandbox imports', () => {
  it.each([
    ['node:fs', "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n"],
    ['fs', "import fs from 'fs';\nexport const read = fs.readFileSync;\n"],
    ['crypto', "import { randomUUID } from 'crypto';\nexport const id = randomUUID;\n"],
  ])('a value import of the Node builtin %s is an error', async (spec, code) => {
    const errors = errorsOf(await lint(probe('workflows', code)), RESTRICTED);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => e.message).join('\n')).toContain(`'${spec}'`);
  });

  it.each([
    ['zod', "import { z } from 'zod';\nexport const schema = z.string();\n"],
    ['ioredis', "import { Redis } from 'ioredis';\nexport const make = (url: string) => new Redis(url);\n"],
    ['../src/activities/index.js', "import { createActivities } from '../src/activities/index.js';\nexport const make = createActivities;\n"],
  ])('a value import of %s is an error', async (spec, code) => {
    const errors = errorsOf(await lint(probe('workflows', code)), RESTRICTED);
    expect(errors.length).toBe(1);
    expect(errors[0]?.message).toMatch(/Workflows import only @temporalio\/workflow/);
    expect(errors[0]?.message).toContain(`'${spec}'`);
  });

  it('the workflow SDK, sibling workflow files and `import type` of activities are fine', async () => {
    const code = [
      "import { proxyActivities } from '@temporalio/workflow';",
      "import type { Activities } from '../src/activities/index.js';",
      "import { LIFECYCLE_STATE } from './states.js';",
      '',
      "export const activities = proxyActivities<Activities>({ startToCloseTimeout: '1 minute' });",
      'export const first = LIFECYCLE_STATE;',
      '',
    ].join('\n');
    expect(await lint(probe('workflows', code))).toEqual([]);
  });

  // Lifecycle steps live two folders down: a relative path is fine while it stays inside workflows/.
  it('a nested workflow file may import workflow files up to workflows/, and no further', async () => {
    const inside = ["import { LIFECYCLE_STATE } from '../../states.js';", "import { PATCH } from '../constants.js';", '', 'export const both = [LIFECYCLE_STATE, PATCH];', ''].join('\n');
    expect(await lint(probe('workflows/lifecycle/steps', inside))).toEqual([]);
    const outside = "import { createActivities } from '../../../src/activities/index.js';\nexport const make = createActivities;\n";
    const errors = errorsOf(await lint(probe('workflows/lifecycle/steps', outside)), RESTRICTED);
    expect(errors.map((e) => e.message).join('\n')).toContain("'../../../src/activities/index.js'");
  });

  it('outside workflows/ the same imports are allowed', async () => {
    const code = "import { readFileSync } from 'node:fs';\nimport { z } from 'zod';\nexport const read = readFileSync;\nexport const schema = z.string();\n";
    expect(errorsOf(await lint(probe('src', code)), RESTRICTED)).toEqual([]);
  });
});

describe('promises', () => {
  const floating = 'async function work(): Promise<number> {\n  return 1;\n}\nwork();\n';
  const awaited = 'async function work(): Promise<number> {\n  return 1;\n}\nexport async function run(): Promise<number> {\n  return await work();\n}\n';

  it.each(['src', 'workflows'])('a floating promise in %s/ is an error', async (dir) => {
    expect(errorsOf(await lint(probe(dir, floating)), FLOATING)).toHaveLength(1);
  });

  it('an awaited promise is fine', async () => {
    expect(await lint(probe('src', awaited))).toEqual([]);
  });
});

describe('type-only imports', () => {
  // A class is both a value and a type, so the probe type-checks under verbatimModuleSyntax while the
  // import is still used only as a type.
  const target = () => path.basename(probe('src', 'export class Foo {\n  readonly id = 1;\n}\n', 'foo'), '.ts');

  it('a value import used only as a type is flagged', async () => {
    const mod = target();
    const code = `import { Foo } from './${mod}.js';\nexport function idOf(f: Foo): number {\n  return f.id;\n}\n`;
    expect(errorsOf(await lint(probe('src', code)), TYPE_IMPORTS)).toHaveLength(1);
  });

  it('`import type` of it is fine', async () => {
    const mod = target();
    const code = `import type { Foo } from './${mod}.js';\nexport function idOf(f: Foo): number {\n  return f.id;\n}\n`;
    expect(await lint(probe('src', code))).toEqual([]);
  });
});

describe('probe files', () => {
  it.skipIf(!existsSync(path.join(root, '.git')))('are ignored by git', () => {
    for (const dir of ['workflows', 'src']) {
      const rel = path.join(dir, `${PREFIX}0.ts`);
      // --no-index: the answer comes from the ignore rules alone. Exit 0 means ignored; 1 throws.
      expect(() => execFileSync('git', ['check-ignore', '--no-index', '-q', rel], { cwd: root })).not.toThrow();
    }
  });
});
