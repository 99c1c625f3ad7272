/**
 * `npm run bench`: runs every `bench/*.bench.ts` in turn (or those named on the command line,
 * e.g. `npm run bench -- sync`), each printing its figures against its targets.
 * Benchmarks are not tests: they measure and print, they do not pass or fail the build.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

console.log(`Benchmarks on Node ${process.version}`);
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = (await readdir(import.meta.dirname))
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()
  .filter((f) => filters.length === 0 || filters.some((name) => f.includes(name)));
if (files.length === 0) console.log('No benchmark matched.');
for (const file of files) {
  console.log(`\n=== ${file}`);
  const bench = (await import(pathToFileURL(join(import.meta.dirname, file)).href)) as { run: (args: string[]) => Promise<void> };
  await bench.run(process.argv.slice(2));
}
process.exit(0);
