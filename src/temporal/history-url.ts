/** The Temporal web UI's page of one workflow's history, or null when no UI is known. */
export function historyUrlFor(uiUrl: string | null, namespace: string, workflowId: string): string | null {
  if (!uiUrl) return null;
  return `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
