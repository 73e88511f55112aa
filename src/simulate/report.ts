import type { SimulationReport } from './day.js';

/** The report as text: one block per invariant with up to five example order keys. */
export function formatReport(r: SimulationReport): string {
  const out: string[] = [];
  out.push(`Simulated shop day: seed ${r.seed}, ${r.orders} orders, speed x${r.speed}, ${(r.durationMs / 1000).toFixed(0)} s`);
  out.push(`  platforms: ${Object.entries(r.platforms).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out.push(`  scenarios: ${Object.entries(r.scenarios).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (r.shadow) out.push(`  shadow:    ${r.shadow} (its writes recorded, not sent)`);
  out.push(`  faults:    ${r.faults.length ? r.faults.map((f) => `${f.name} at ${(f.fromMs / 1000).toFixed(0)} s${f.toMs === null ? '' : `-${(f.toMs / 1000).toFixed(0)} s`}`).join('; ') : 'none'}`);
  out.push('');
  for (const i of r.invariants) {
    const mark = i.violated ? 'FAIL' : i.checked ? 'ok  ' : 'n/a ';
    out.push(`${mark} ${i.id.padEnd(22)} checked ${String(i.checked).padStart(4)}  violated ${String(i.violated).padStart(3)}  ${i.description}`);
    for (const e of i.examples) out.push(`       ${e.key}: ${e.detail}`);
  }
  out.push('');
  for (const n of r.notes.slice(0, 20)) out.push(`note: ${n}`);
  if (r.notes.length > 20) out.push(`note: ... ${r.notes.length - 20} more`);
  out.push(r.violations ? `${r.violations} violation(s)` : 'no violations');
  return `${out.join('\n')}\n`;
}
