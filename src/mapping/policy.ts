import type jsonata from 'jsonata';

/**
 * Built-ins a mapping may not call, with the reason. `$eval` evaluates a string as JSONata: with a
 * payload field as its argument, the platform (or anyone who can reach the webhook) writes code
 * the hub runs; one catastrophic regex in an ERP `lines_json` froze the hub for 20 s.
 */
export const FORBIDDEN_FUNCTIONS: Readonly<Record<string, string>> = {
  eval: 'uses $eval, which runs payload text as code; parse JSON text fields with $parseJson instead',
};

/**
 * Every forbidden built-in the compiled expression names, as a call or as a value (`$f := $eval`),
 * read from JSONata's own syntax tree so comments and string literals never count.
 */
export function policyViolations(expr: jsonata.Expression): string[] {
  const found = new Set<string>();
  const seen = new Set<object>();
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if ('type' in node && node.type === 'variable' && 'value' in node && typeof node.value === 'string') {
      const reason = FORBIDDEN_FUNCTIONS[node.value];
      if (reason) found.add(reason);
    }
    for (const v of Object.values(node)) walk(v);
  };
  walk(expr.ast());
  return [...found];
}
