import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, stream };
}

describe('logger redaction', () => {
  it('masks buyer names, phones and addresses at any of the first levels', () => {
    const { lines, stream } = capture();
    const log = createLogger({ level: 'info' }, stream);
    log.info(
      {
        order: { recipient: { name: '张三', phone: '13800000000' }, address: { detail: '中关村大街1号' } },
        body: { shipping_address: { address1: '1 Main St' }, receiver_mobile: '13900000000' },
      },
      'order seen',
    );
    const out = lines.join('');
    expect(out).toContain('order seen');
    for (const secret of ['张三', '13800000000', '中关村大街1号', '1 Main St', '13900000000']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('[redacted]');
    expect(JSON.parse(lines[0] ?? '{}').name).toBe('zhongshu');
  });
});
