import type { z } from 'zod';
import { gmt8ToIso } from '../../mapping/functions.js';

/** "field: reason; ..." of a failed parse, for the error a record that cannot be read becomes. */
export function issuesOf(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** A "yyyy-MM-dd HH:mm:ss" GMT+8 time as ISO-8601 with +08:00, or null when it is not one. */
export function gmt8OrNull(text: string | undefined): string | null {
  if (!text) return null;
  try {
    return gmt8ToIso(text) ?? null;
  } catch {
    return null;
  }
}

/**
 * The message id of a pulled record: the same after-sale in the same status at the same update
 * time is the same news, whichever poll reads it again (windows overlap).
 */
export function pulledMessageId(platform: string, id: string, status: string, updated: string): string {
  return `${platform}-pull:${id}:${status}:${updated}`;
}
