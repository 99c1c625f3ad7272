import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const WEB = join(ROOT, 'web');

async function sources(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? sources(join(directory, e.name)) : Promise.resolve(e.name.endsWith('.ts') ? [join(directory, e.name)] : []),
    ),
  );
  return nested.flat();
}

describe('the browser code', () => {
  it('imports exactly one module from outside web/: the wire contract', async () => {
    const outside = new Set<string>();
    for (const file of await sources(join(WEB, 'src'))) {
      const text = await readFile(file, 'utf8');
      for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
        const target = relative(ROOT, resolve(dirname(file), specifier!));
        if (!target.startsWith('web/')) outside.add(target);
      }
    }
    expect([...outside]).toEqual(['shared/contract/api.js']);
  });
});
