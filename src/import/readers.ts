import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { errorMessage } from '../util/errors.js';
import { parseJsonSafe } from '../util/json.js';
import { detectEncoding, type ImportEncoding } from './encoding.js';

export const IMPORT_FORMAT = { csv: 'csv', xlsx: 'xlsx', jsonl: 'jsonl' } as const;
export type ImportFormat = (typeof IMPORT_FORMAT)[keyof typeof IMPORT_FORMAT];

const EXTENSIONS: Readonly<Record<string, ImportFormat>> = { '.csv': 'csv', '.txt': 'csv', '.xlsx': 'xlsx', '.jsonl': 'jsonl', '.ndjson': 'jsonl' };

export function formatOf(file: string): ImportFormat | undefined {
  return EXTENSIONS[path.extname(file).toLowerCase()];
}

export type CellValue = string | number | boolean | null;

/**
 * One source row: its number as a person sees it (a spreadsheet's row, header = 1; a JSON-lines
 * file's line), and either its values by column or why it cannot be read.
 */
export type SourceRow = { row: number; values: Record<string, CellValue | unknown> } | { row: number; error: { field: string; reason: string } };

/** A file that cannot be read at all (not a row's fault): the import stops with it. */
export class ImportFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ImportFileError';
  }
}

export interface ReadOptions {
  format: ImportFormat;
  /** CSV only; detected when absent. */
  encoding?: ImportEncoding | undefined;
  /** Bytes of the file read so far (for the progress bar). */
  onBytes?: (bytes: number) => void;
}

function counted(file: string, onBytes?: (bytes: number) => void): Readable {
  const src = createReadStream(file);
  if (!onBytes) return src;
  let n = 0;
  const tap = new PassThrough();
  src.on('data', (c: Buffer | string) => {
    n += c.length;
    onBytes(n);
  });
  src.on('error', (err) => tap.destroy(err));
  return src.pipe(tap);
}

/** Rows of a CSV, JSON-lines or XLSX file, read as a stream: memory does not grow with the file. */
export async function* readRows(file: string, o: ReadOptions): AsyncGenerator<SourceRow> {
  if (o.format === IMPORT_FORMAT.csv) yield* readCsv(file, o.encoding ?? (await detectEncoding(file)), o.onBytes);
  else if (o.format === IMPORT_FORMAT.jsonl) yield* readJsonLines(file, o.onBytes);
  else yield* readXlsx(file, o.onBytes);
}

async function* readCsv(file: string, encoding: ImportEncoding, onBytes?: (bytes: number) => void): AsyncGenerator<SourceRow> {
  if (!iconv.encodingExists(encoding)) throw new ImportFileError(file, `unknown encoding "${encoding}"`);
  const parser = counted(file, onBytes)
    .pipe(iconv.decodeStream(encoding))
    .pipe(parseCsv({ bom: true, skip_empty_lines: true, relax_column_count: true }));
  let header: string[] | null = null;
  let row = 0;
  try {
    for await (const rec of parser as AsyncIterable<unknown>) {
      if (!Array.isArray(rec)) continue;
      const cells = rec.map((c) => String(c));
      row++;
      if (!header) {
        header = headerOf(file, cells);
        continue;
      }
      if (cells.length !== header.length) {
        yield { row, error: { field: '', reason: `has ${cells.length} fields, the header has ${header.length}` } };
        continue;
      }
      const values: Record<string, CellValue> = {};
      header.forEach((h, i) => {
        values[h] = cells[i] ?? '';
      });
      yield { row, values };
    }
  } catch (err) {
    if (err instanceof ImportFileError) throw err;
    throw new ImportFileError(file, `CSV unreadable after row ${row} (${encoding}): ${errorMessage(err)}`);
  }
  if (!header) throw new ImportFileError(file, 'no header row: the file is empty');
}

function headerOf(file: string, cells: string[]): string[] {
  const header = cells.map((c) => c.trim());
  const seen = new Set<string>();
  header.forEach((h, i) => {
    if (h === '') throw new ImportFileError(file, `header column ${i + 1} has no name`);
    if (seen.has(h)) throw new ImportFileError(file, `header column "${h}" appears twice`);
    seen.add(h);
  });
  return header;
}

async function* readJsonLines(file: string, onBytes?: (bytes: number) => void): AsyncGenerator<SourceRow> {
  const lines = createInterface({ input: counted(file, onBytes), crlfDelay: Infinity });
  let row = 0;
  for await (const line of lines) {
    row++;
    if (line.trim() === '') continue;
    let v: unknown;
    try {
      v = parseJsonSafe(line);
    } catch (err) {
      yield { row, error: { field: '', reason: `not valid JSON: ${errorMessage(err)}` } };
      continue;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      yield { row, error: { field: '', reason: 'expected a JSON object on the line' } };
      continue;
    }
    yield { row, values: Object.fromEntries(Object.entries(v)) };
  }
}

/** "2026-11-11 10:00:00": a spreadsheet date cell carries wall-clock time, read back as written. */
function wallClock(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** A cell as plain text or number: rich text joined, formulas by their result, dates as written. */
export function cellValue(v: unknown): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return wallClock(v);
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((r: unknown) => (typeof r === 'object' && r !== null && 'text' in r ? String(r.text) : '')).join('');
    if ('result' in v) return cellValue(v.result);
    if ('text' in v) return cellValue(v.text);
    if ('error' in v) return null;
  }
  return null;
}

async function* readXlsx(file: string, onBytes?: (bytes: number) => void): AsyncGenerator<SourceRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(counted(file, onBytes), { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' });
  let header: string[] | null = null;
  try {
    // The first worksheet only: an export's other sheets are summaries, not orders.
    for await (const sheet of reader) {
      for await (const r of sheet) {
        const raw = Array.isArray(r.values) ? r.values : [];
        // exceljs rows are 1-based and sparse.
        const cells = Array.from({ length: Math.max(0, raw.length - 1) }, (_, i) => cellValue(raw[i + 1]));
        if (!header) {
          header = headerOf(file, cells.map((c) => (c === null ? '' : String(c))));
          continue;
        }
        const values: Record<string, CellValue> = {};
        header.forEach((h, i) => {
          values[h] = cells[i] ?? null;
        });
        if (cells.length > header.length && cells.slice(header.length).some((c) => c !== null && c !== '')) {
          yield { row: r.number, error: { field: '', reason: `has values beyond the header's ${header.length} columns` } };
          continue;
        }
        yield { row: r.number, values };
      }
      break;
    }
  } catch (err) {
    if (err instanceof ImportFileError) throw err;
    throw new ImportFileError(file, `XLSX unreadable: ${errorMessage(err)}`);
  }
  if (!header) throw new ImportFileError(file, 'no header row: the first worksheet is empty');
}
