import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const documents = async () => [
  'README.md',
  ...(await readdir(join(root, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
];

/** Relative Markdown link targets of one document (`deploy.md#upgrading`, `#sessions`). */
const relativeHrefs = (markdown: string) =>
  [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((href) => !/^[a-z]+:/i.test(href));
/** The same, without their #fragment and without links inside the document. */
const relativeLinks = (markdown: string) =>
  relativeHrefs(markdown)
    .filter((href) => !href.startsWith('#'))
    .map((href) => href.split('#')[0]!);
/** The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces as hyphens. */
const headingAnchors = (markdown: string) =>
  new Set(
    [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
      m[1]!
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}_\s-]/gu, '')
        .replace(/\s/g, '-'),
    ),
  );

/** Top-level folders of the repository whose files the documents cite by path. */
const CITED_FOLDERS = ['shared', 'infra', 'local', 'functions', 'web', 'test', 'bench', 'docs'];
/** Cited on purpose although not in a fresh checkout: build output. */
const BUILT = ['web/dist'];

/**
 * Repository paths cited in inline code (`shared/http/wrappers.ts`, `npx tsx infra/app.ts`): every
 * word of a code span that starts with a repository folder. Globs, placeholders and ellipses
 * (`test/fixtures/discovery/*.json`, `docs/screenshots/<page>-<width>.png`, `shared/sync/…`) name no one file, so they are left out.
 */
const citedPaths = (markdown: string) =>
  [...markdown.matchAll(/`([^`\n]+)`/g)]
    .flatMap((m) => m[1]!.split(/[\s,;()'"]+/))
    .map((word) => word.replace(/[.:]+$/, ''))
    .filter((word) => CITED_FOLDERS.some((folder) => word.startsWith(`${folder}/`)))
    .filter((word) => !/[*<>{}|…$]|\.\.\./.test(word));

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

  it('has no link to a heading that does not exist', async () => {
    const broken: string[] = [];
    for (const document of await documents()) {
      const markdown = await readFile(join(root, document), 'utf8');
      for (const href of relativeHrefs(markdown).filter((h) => h.includes('#'))) {
        const [file, anchor] = href.split('#') as [string, string];
        const target = file ? resolve(root, dirname(document), file) : join(root, document);
        if (target.endsWith('.md') && existsSync(target) && !headingAnchors(await readFile(target, 'utf8')).has(anchor))
          broken.push(`${document} → ${href}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('cites only repository paths that exist', async () => {
    const missing: string[] = [];
    let cited = 0;
    // Engineers' working notes (docs/_notes-<branch>.md) may cite paths of before a move; the manual may not.
    for (const document of (await documents()).filter((d) => !d.startsWith('docs/_'))) {
      for (const path of citedPaths(await readFile(join(root, document), 'utf8'))) {
        cited += 1;
        if (!BUILT.some((built) => path === built || path.startsWith(`${built}/`)) && !existsSync(join(root, path)))
          missing.push(`${document}: ${path}`);
      }
    }
    expect(cited).toBeGreaterThan(50);
    expect([...new Set(missing)]).toEqual([]);
  });
});
