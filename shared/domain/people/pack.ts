import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * String lists and typed arrays in one gzip'd buffer, laid out so loading is cheap: each string
 * list is one UTF-8 run joined by NUL (one decode and one split, far faster than JSON.parse of the
 * same strings), each array stays binary (no number parsing).
 *   "WBX2" | u32 lists | u32 arrays | per list: u32 count, u32 bytes, UTF-8 | pad to 4 | per array: u32 length, values
 */
const MAGIC = 'WBX2';
const SEPARATOR = '\u0000';

export class CorruptIndexError extends Error {
  override name = 'CorruptIndexError';
}

/** NUL separates strings, so it may not occur inside one (directory text never has it; it is dropped if it does). */
const clean = (s: string) => (s.includes(SEPARATOR) ? s.replaceAll(SEPARATOR, '') : s);

export function pack(lists: readonly (readonly string[])[], arrays: readonly Uint32Array[]): Buffer {
  const encoded = lists.map((list) => Buffer.from(list.map(clean).join(SEPARATOR), 'utf8'));
  const stringBytes = encoded.reduce((sum, b) => sum + 8 + b.length, 0);
  const arraysStart = Math.ceil((12 + stringBytes) / 4) * 4;
  const out = Buffer.alloc(arraysStart + arrays.reduce((sum, a) => sum + 4 + a.byteLength, 0));
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(lists.length, 4);
  out.writeUInt32LE(arrays.length, 8);
  let offset = 12;
  encoded.forEach((bytes, i) => {
    out.writeUInt32LE(lists[i]!.length, offset);
    out.writeUInt32LE(bytes.length, offset + 4);
    bytes.copy(out, offset + 8);
    offset += 8 + bytes.length;
  });
  offset = arraysStart;
  for (const array of arrays) {
    out.writeUInt32LE(array.length, offset);
    Buffer.from(array.buffer, array.byteOffset, array.byteLength).copy(out, offset + 4);
    offset += 4 + array.byteLength;
  }
  return gzipSync(out, { level: 6 });
}

export function unpack(compressed: Uint8Array): { lists: string[][]; arrays: Uint32Array[] } {
  const data = gunzipSync(compressed);
  if (data.length < 12 || data.toString('latin1', 0, 4) !== MAGIC)
    throw new CorruptIndexError('The search index does not start with its format marker.');
  const listCount = data.readUInt32LE(4);
  const arrayCount = data.readUInt32LE(8);
  const need = (end: number) => {
    if (end > data.length) throw new CorruptIndexError('The search index is truncated.');
  };
  let offset = 12;
  const lists: string[][] = [];
  for (let i = 0; i < listCount; i++) {
    need(offset + 8);
    const count = data.readUInt32LE(offset);
    const length = data.readUInt32LE(offset + 4);
    need(offset + 8 + length);
    const list = count === 0 ? [] : data.toString('utf8', offset + 8, offset + 8 + length).split(SEPARATOR);
    if (list.length !== count) throw new CorruptIndexError('A search index string list has the wrong length.');
    lists.push(list);
    offset += 8 + length;
  }
  offset = Math.ceil(offset / 4) * 4;
  const arrays: Uint32Array[] = [];
  for (let i = 0; i < arrayCount; i++) {
    need(offset + 4);
    const end = offset + 4 + data.readUInt32LE(offset) * 4;
    need(end);
    // A copy keeps the array 4-byte aligned whatever the buffer's offset.
    arrays.push(new Uint32Array(data.buffer.slice(data.byteOffset + offset + 4, data.byteOffset + end)));
    offset = end;
  }
  return { lists, arrays };
}
