import { open } from 'node:fs/promises';

/** Encodings an import reads: UTF-8, and GB18030 (a superset of GBK, what Chinese ERPs export). */
export const IMPORT_ENCODING = { utf8: 'utf8', gb18030: 'gb18030', gbk: 'gbk' } as const;
export type ImportEncoding = (typeof IMPORT_ENCODING)[keyof typeof IMPORT_ENCODING];

const SAMPLE_BYTES = 64 * 1024;

/**
 * UTF-8 when the file starts with its BOM or its first 64 KiB decode as strict UTF-8; else
 * GB18030. GBK text of any length is almost never valid UTF-8 (its lead bytes 0x81-0xFE are
 * followed by bytes UTF-8 forbids there), so the sample decides.
 */
export async function detectEncoding(file: string): Promise<ImportEncoding> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SAMPLE_BYTES, 0);
    return encodingOfSample(buf.subarray(0, bytesRead), bytesRead < SAMPLE_BYTES);
  } finally {
    await fh.close();
  }
}

export function encodingOfSample(sample: Buffer, whole: boolean): ImportEncoding {
  if (sample.length >= 3 && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return IMPORT_ENCODING.utf8;
  // A sample cut inside a multi-byte character is not an error: drop up to three trailing bytes.
  const candidates = whole ? [sample] : [0, 1, 2, 3].map((cut) => sample.subarray(0, Math.max(0, sample.length - cut)));
  for (const c of candidates) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(c);
      return IMPORT_ENCODING.utf8;
    } catch {
      // try the next cut
    }
  }
  return IMPORT_ENCODING.gb18030;
}
