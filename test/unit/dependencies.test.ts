import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const lock = JSON.parse(readFileSync(join(import.meta.dirname, '../../package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string }>;
};

describe('installed dependencies', () => {
  it('hold one version of Powertools, so the functions bundle one copy of its commons', () => {
    const powertools = Object.entries(lock.packages).filter(([path]) => /node_modules\/@aws-lambda-powertools\/[^/]+$/.test(path));
    expect(powertools.filter(([path]) => path.endsWith('/commons')).map(([path]) => path)).toEqual([
      'node_modules/@aws-lambda-powertools/commons',
    ]);
    expect(new Set(powertools.map(([, entry]) => entry.version)).size).toBe(1);
  });
});
