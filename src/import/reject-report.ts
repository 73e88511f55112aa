import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { stringify, type Stringifier } from 'csv-stringify';
import { safeText } from '../finance/csv.js';
import type { Rejection } from './map-group.js';

export const REJECT_HEADER = ['file', 'row', 'field', 'reason'] as const;

/** The reject report: one CSV line per rejected row (UTF-8 with BOM, so Excel keeps the Chinese). */
export class RejectReport {
  private readonly csv: Stringifier;
  private readonly out: WriteStream;
  count = 0;

  constructor(readonly path: string) {
    this.csv = stringify({ bom: true, record_delimiter: 'windows' });
    this.out = createWriteStream(path);
    this.csv.pipe(this.out);
    this.csv.write([...REJECT_HEADER]);
  }

  async add(file: string, r: Rejection): Promise<void> {
    this.count++;
    if (!this.csv.write([safeText(file), String(r.row), safeText(r.field), safeText(r.reason)])) await once(this.csv, 'drain');
  }

  async close(): Promise<void> {
    const done = once(this.out, 'finish');
    this.csv.end();
    await done;
  }
}
