import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const documents = async () => ['README.md', ...(await readdir(join(root, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Relative Markdown link targets of one document, without their #fragment. */
const relativeLinks = (markdown: string) =>
  [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((href) => !/^[a-z]+:/i.test(href) && !href.startsWith('#')).map((href) => href.split('#')[0]!);

describe('documentation', () => {
  it('keeps the README a front door: under 200 lines, linking into docs/', async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThan(200);
    expect(relativeLinks(readme).filter((href) => href.startsWith('docs/')).length).toBeGreaterThanOrEqual(8);
  });

  it('has no relative link to a file that does not exist', async () => {
    const broken: string[] = [];
    for (const document of await documents()) {
      const markdown = await readFile(join(root, document), 'utf8');
      for (const href of relativeLinks(markdown)) {
        if (!existsSync(resolve(root, dirname(document), href))) broken.push(`${document} → ${href}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
