import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { z } from 'zod';
import { packageRoot } from '../../src/util/package-info.js';

/** Debian's chromium (scripts/provision/chromium.sh), or ZHONGSHU_CHROMIUM; null when there is none. */
export function chromiumPath(): string | null {
  const candidates = [process.env['ZHONGSHU_CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p): p is string => Boolean(p) && existsSync(p ?? '')) ?? null;
}

/** The console's build (skipped by the script when its sources did not change). */
export function buildConsole(): void {
  execFileSync('bash', [path.join(packageRoot(), 'scripts', 'build-console.sh')], { cwd: packageRoot(), stdio: 'pipe' });
}

/** Where screenshots go: ZHONGSHU_TEST_OUTPUT or .data/test-output. */
export async function outputDir(name: string): Promise<string> {
  const dir = path.join(process.env['ZHONGSHU_TEST_OUTPUT'] ?? path.join(packageRoot(), '.data', 'test-output'), name);
  await mkdir(dir, { recursive: true });
  return dir;
}

export async function launch(executablePath: string): Promise<Browser> {
  // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** A tab that adds every console error and uncaught page error to `errors`, to be asserted empty. */
export async function watchedPage(context: BrowserContext, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  return page;
}

/**
 * Runs in the page (a string: this file is compiled without the DOM library). A control is named
 * by a <label>, aria-label(ledby), or for a button its text.
 */
const UNLABELLED_SCRIPT = `(() => Array.from(document.querySelectorAll('input, select, textarea, button'))
  .filter((el) => !(el.labels && el.labels.length > 0) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby') && !(el.tagName === 'BUTTON' && el.textContent.trim()))
  .map((el) => el.outerHTML.slice(0, 120)))()`;

/** Form controls without an accessible name. */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return z.array(z.string()).parse(await page.evaluate(UNLABELLED_SCRIPT));
}
