import { HttpError } from '../http/http.js';
import type { DirectoryIndex } from '../domain/people/directory-index.js';
import { SearchIndexCache } from '../adapters/dynamodb/people-index-store.js';
import type { Dependencies } from '../runtime/dependencies.js';

/** One cache per table (one in Lambda; tests run several apps in a process). */
const caches = new Map<string, SearchIndexCache>();

/** The loaded search index of a warm function; 503 until directory sync has published one. */
export async function directoryIndex(deps: Dependencies): Promise<DirectoryIndex> {
  const key = `${deps.config.dynamodbEndpoint ?? ''}|${deps.config.tableName}`;
  let cache = caches.get(key);
  if (!cache) {
    cache = new SearchIndexCache(deps.db, deps.config.tableName, deps.config.searchIndexCheckSeconds * 1000);
    caches.set(key, cache);
  }
  const index = await cache.current();
  if (!index)
    throw new HttpError(503, 'directory_not_synced', 'The directory has not been synced yet; try again after the first sync run.');
  return index;
}
