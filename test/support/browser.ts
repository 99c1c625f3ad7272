/**
 * Real headless Chromium (Debian's /usr/bin/chromium) through playwright-core, with a fresh
 * profile per run, plus what the end-to-end tests inspect: CSP violations and browser storage.
 */
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results/screenshots');

export interface Browser {
  readonly context: BrowserContext;
  /** Every CSP violation any page reported (securitypolicyviolation events and console reports). */
  readonly cspViolations: string[];
  /** Uncaught exceptions in any page. */
  readonly pageErrors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'wb-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
  const cspViolations: string[] = [];
  await context.exposeBinding('__reportCspViolation', (_source, text: string) => {
    cspViolations.push(text);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      void (window as unknown as { __reportCspViolation: (t: string) => Promise<void> }).__reportCspViolation(
        `${e.violatedDirective} blocked ${e.blockedURI} on ${location.href}`,
      );
    });
  });
  const pageErrors: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    cspViolations,
    pageErrors,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Everything a page's origin keeps: localStorage, sessionStorage, IndexedDB contents and document.cookie. */
export async function storageOf(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const dump = (s: Storage) => Object.fromEntries(Array.from({ length: s.length }, (_, i) => s.key(i)!).map((k) => [k, s.getItem(k)]));
    const databases: Record<string, unknown> = {};
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      databases[info.name] = await new Promise((resolve) => {
        const open = indexedDB.open(info.name!);
        open.onerror = () => resolve('unreadable');
        open.onsuccess = () => {
          const db = open.result;
          const names = Array.from(db.objectStoreNames);
          if (names.length === 0) return resolve({});
          const tx = db.transaction(names, 'readonly');
          const out: Record<string, unknown> = {};
          names.forEach((n) => {
            const r = tx.objectStore(n).getAll();
            r.onsuccess = () => {
              out[n] = r.result;
            };
          });
          tx.oncomplete = () => resolve(out);
        };
      });
    }
    return JSON.stringify({ local: dump(localStorage), session: dump(sessionStorage), indexedDB: databases, cookie: document.cookie });
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Builds web/dist with Vite when it is missing or older than any source file. */
export async function ensureWebBuild(): Promise<void> {
  const web = resolve(import.meta.dirname, '../../web');
  const built = await stat(join(web, 'dist', 'index.html')).catch(() => undefined);
  if (built && (await newestSource(web)) < built.mtimeMs) return;
  const { build } = await import('vite');
  await build({ root: web, logLevel: 'warn' });
}

async function newestSource(web: string): Promise<number> {
  const { readdir } = await import('node:fs/promises');
  const entries = await readdir(join(web, 'src'), { recursive: true, withFileTypes: true });
  const files = [
    join(web, 'index.html'),
    join(web, 'vite.config.ts'),
    ...entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)),
  ];
  const times = await Promise.all(files.map(async (f) => (await stat(f)).mtimeMs));
  return Math.max(...times);
}
