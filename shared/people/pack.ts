import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * A JSON header and typed arrays in one gzip'd buffer: the arrays stay binary (no number parsing at
 * load, 4 bytes per value before compression).
 *   "WBX1" | u32 header bytes | header (UTF-8 JSON) | pad to 4 | per array: u32 length | values
 */
const MAGIC = 'WBX1';

export function pack(header: unknown, arrays: readonly Uint32Array[]): Buffer {
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const headerEnd = 8 + headerBytes.length;
  const arraysStart = Math.ceil(headerEnd / 4) * 4;
  const total = arraysStart + arrays.reduce((sum, a) => sum + 4 + a.byteLength, 0);
  const out = Buffer.alloc(total);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(headerBytes.length, 4);
  headerBytes.copy(out, 8);
  let offset = arraysStart;
  for (const array of arrays) {
    out.writeUInt32LE(array.length, offset);
    Buffer.from(array.buffer, array.byteOffset, array.byteLength).copy(out, offset + 4);
    offset += 4 + array.byteLength;
  }
  return gzipSync(out, { level: 6 });
}

export class CorruptIndexError extends Error {
  override name = 'CorruptIndexError';
}

export function unpack(compressed: Uint8Array): { header: unknown; arrays: Uint32Array[] } {
  const data = gunzipSync(compressed);
  if (data.length < 8 || data.toString('latin1', 0, 4) !== MAGIC) throw new CorruptIndexError('The search index does not start with its format marker.');
  const headerLength = data.readUInt32LE(4);
  if (8 + headerLength > data.length) throw new CorruptIndexError('The search index header is truncated.');
  const header: unknown = JSON.parse(data.toString('utf8', 8, 8 + headerLength));
  const arrays: Uint32Array[] = [];
  let offset = Math.ceil((8 + headerLength) / 4) * 4;
  while (offset < data.length) {
    const length = data.readUInt32LE(offset);
    const end = offset + 4 + length * 4;
    if (end > data.length) throw new CorruptIndexError('A search index array is truncated.');
    // gunzip's buffer is freshly allocated: copying the slice keeps the array 4-byte aligned.
    arrays.push(new Uint32Array(data.buffer.slice(data.byteOffset + offset + 4, data.byteOffset + end)));
    offset = end;
  }
  return { header, arrays };
}
