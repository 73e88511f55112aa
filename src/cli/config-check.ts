import { readFile } from 'node:fs/promises';
import { parseConfigText } from '../config/load.js';
import { errorCode } from '../util/errors.js';

/** `zhongshu config check [file]`: every problem with its path, exit 1 if any. */
export async function configCheckCommand(file: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    process.stderr.write(`${file}: cannot read (${errorCode(err) ?? 'error'})\n`);
    return 1;
  }
  const r = parseConfigText(text, env);
  if (r.ok) {
    process.stdout.write(`${file}: ok (${r.config.channels.length} channel(s), ${r.config.auth.apiKeys.length} API key(s))\n`);
    return 0;
  }
  for (const p of r.problems) process.stderr.write(`${p.path || '(root)'}: ${p.message}\n`);
  process.stderr.write(`${file}: ${r.problems.length} problem(s)\n`);
  return 1;
}
