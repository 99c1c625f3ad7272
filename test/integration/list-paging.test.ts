import { BatchWriteCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/config.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import type { Page } from '../../shared/contract/api.js';
import { queryPage } from '../../shared/http/paging.js';
import type { Dependencies } from '../../shared/runtime/dependencies.js';
import { rotate } from '../../shared/adapters/secrets/key-ring.js';
import type { SecretStore } from '../../shared/adapters/secrets/secret-store.js';
import { freshTable, type TestTable } from '../support/dynamodb.js';

interface Stored {
  n: number;
  hidden: boolean;
}

/**
 * The list contract of DynamoDB-backed lists (members, a person's groups, sync runs) on DynamoDB
 * Local: a page with a cursor is full, the last page has no cursor, and paging to the end shows
 * every shown item once, whatever `show` or a FilterExpression drops in between.
 */
describe('DynamoDB list pages', () => {
  let table: TestTable;
  let queries: number;
  let deps: Dependencies;

  /** Items 0..count-1 in one partition (and one gsi2 partition), hidden where `hidden(n)`. */
  async function seed(list: string, count: number, hidden: (n: number) => boolean): Promise<number[]> {
    const items = Array.from({ length: count }, (_, n) => ({
      pk: `LIST#${list}`,
      sk: `ITEM#${String(n).padStart(4, '0')}`,
      gsi2pk: `GLIST#${list}`,
      gsi2sk: String(n).padStart(4, '0'),
      n,
      hidden: hidden(n),
    }));
    for (let i = 0; i < items.length; i += 25) {
      await table.db.send(
        new BatchWriteCommand({ RequestItems: { [table.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }),
      );
    }
    return items.filter((i) => !i.hidden).map((i) => i.n);
  }

  const base = (list: string): QueryCommandInput => ({
    TableName: table.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': `LIST#${list}` },
    ProjectionExpression: 'n, #hidden',
    ExpressionAttributeNames: { '#hidden': 'hidden' },
  });
  const onIndex = (list: string): QueryCommandInput => ({
    TableName: table.tableName,
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': `GLIST#${list}` },
    ProjectionExpression: 'n, #hidden',
    ExpressionAttributeNames: { '#hidden': 'hidden' },
  });
  const showVisible = (item: Stored) => (item.hidden ? undefined : item.n);

  /** Every page to the end, checking the contract on each; the Query calls each page made. */
  async function pageThrough(input: QueryCommandInput, limit: number, show: (item: Stored) => number | undefined = showVisible) {
    const pages: { page: Page<number>; queries: number }[] = [];
    let cursor: string | undefined;
    do {
      queries = 0;
      const page = await queryPage<Stored, number>(deps, 'test-list', input, limit, cursor, show);
      pages.push({ page, queries });
      if (page.nextCursor !== undefined) expect(page.items, `page ${pages.length} has a cursor`).toHaveLength(limit);
      else if (pages.length > 1) expect(page.items.length, `last page ${pages.length} after a cursor`).toBeGreaterThan(0);
      expect(pages.length).toBeLessThan(1000);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return { items: pages.flatMap((p) => p.page.items), pages };
  }

  beforeAll(async () => {
    table = await freshTable();
    // A client of its own with a counter on Query calls: the read count per page is part of the contract.
    const db = createDocumentClient({ endpoint: table.endpoint });
    db.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'QueryCommand') queries += 1;
        return next(args);
      },
      { step: 'initialize' },
    );
    const ring = JSON.stringify(rotate(undefined));
    deps = {
      config: loadConfig({ RUNTIME_MODE: 'local', TABLE_NAME: table.tableName }),
      db,
      secrets: { get: async () => ring } as unknown as SecretStore,
    };
  });

  it('ends an exactly full last page without a cursor, in one Query per page', async () => {
    const all = await seed('full', 6, () => false);
    for (const limit of [3, 6]) {
      const { items, pages } = await pageThrough(base('full'), limit);
      expect(items).toEqual(all);
      expect(pages).toHaveLength(6 / limit);
      expect(pages.every((p) => p.queries === 1)).toBe(true);
    }
    expect(await queryPage<Stored, number>(deps, 'test-list', base('none'), 5, undefined, showVisible)).toEqual({ items: [] });
  });

  it('reads past hidden items so no page is short or empty, every shown item exactly once', async () => {
    // Runs of hidden items longer than any page, at the start, in the middle and at the end.
    const hidden = (n: number) => n < 7 || (n >= 10 && n < 31) || n % 5 === 0 || n >= 45;
    const shown = await seed('hidden', 60, hidden);
    for (const limit of [1, 2, 3, 4, 7, shown.length, 100]) {
      for (const input of [base('hidden'), onIndex('hidden')]) {
        const { items, pages } = await pageThrough(input, limit);
        expect(items, `limit ${limit}`).toEqual(shown);
        expect(pages).toHaveLength(Math.ceil(shown.length / limit));
        // The documented bound: a page that skips s items costs at most 2 + log2(s) Queries.
        for (const { queries: made } of pages) expect(made).toBeLessThanOrEqual(2 + Math.log2(60));
      }
    }
  });

  it('does the same when a FilterExpression drops the items', async () => {
    const shown = await seed('filtered', 40, (n) => n % 4 !== 0 || (n > 8 && n < 30));
    const filtered = {
      ...base('filtered'),
      FilterExpression: '#hidden = :no',
      ExpressionAttributeValues: { ':pk': 'LIST#filtered', ':no': false },
    };
    for (const limit of [1, 2, 3, 5]) {
      const { items, pages } = await pageThrough(filtered, limit, (item) => item.n);
      expect(items, `limit ${limit}`).toEqual(shown);
      expect(pages).toHaveLength(Math.ceil(shown.length / limit));
    }
  });

  it('answers one empty page, without a cursor, when every item is hidden', async () => {
    await seed('all-hidden', 30, () => true);
    const { items, pages } = await pageThrough(onIndex('all-hidden'), 4);
    expect(items).toEqual([]);
    expect(pages).toHaveLength(1);
  });

  it('keeps cursors sealed: a cursor of another list or with a changed byte is a 400', async () => {
    await seed('sealed', 5, () => false);
    const { nextCursor } = await queryPage<Stored, number>(deps, 'test-list', base('sealed'), 2, undefined, showVisible);
    const tampered = `${nextCursor!.slice(0, -1)}${nextCursor!.endsWith('A') ? 'B' : 'A'}`;
    await expect(queryPage(deps, 'other-list', base('sealed'), 2, nextCursor, showVisible)).rejects.toMatchObject({
      status: 400,
      code: 'invalid_cursor',
    });
    await expect(queryPage(deps, 'test-list', base('sealed'), 2, tampered, showVisible)).rejects.toMatchObject({
      status: 400,
      code: 'invalid_cursor',
    });
  });
});
