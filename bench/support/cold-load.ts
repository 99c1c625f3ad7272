/**
 * One cold API container's index load, in a fresh process (so the heap is as empty as a new
 * Lambda's): `node --expose-gc --import tsx bench/support/cold-load.ts <endpoint> <table>`.
 * Prints one JSON line: load time (pointer read, chunks, gunzip, parse, postings) and the memory
 * the loaded index holds.
 */
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { loadDirectoryIndex, readPointer } from '../../shared/adapters/dynamodb/people-index-store.js';

const [endpoint, tableName] = process.argv.slice(2);
const db = createDocumentClient({ endpoint: endpoint! });
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
// Warm the SDK's connection and code paths: a cold Lambda pays those whatever it loads.
await readPointer(db, tableName!);
gc();
const before = process.memoryUsage();
const started = performance.now();
const pointer = await readPointer(db, tableName!);
const index = await loadDirectoryIndex(db, tableName!, pointer!);
const loadMs = performance.now() - started;
gc();
const after = process.memoryUsage();
const held = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
process.stdout.write(`${JSON.stringify({ loadMs, heldBytes: held, rssBytes: after.rss, people: index.peopleCount })}\n`);
