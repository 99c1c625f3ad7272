import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { indexQuery, KEYS, prefixQuery, TABLE } from '../../shared/adapters/dynamodb/table-definition.js';

const ROOT = new URL('../../', import.meta.url);
const LAYOUT = 'shared/adapters/dynamodb/table-definition.ts';

/** Deployed and local source (tests spell the stored layout out on purpose, as an independent check). */
function sourceFiles(): string[] {
  const listed = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', 'shared', 'functions', 'local', 'infra', 'bench', 'web/src'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return listed.split('\n').filter((f) => /\.(ts|tsx|mts)$/.test(f) && f !== LAYOUT);
}

const withoutComments = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

/** One place per fact: every key of the table is built in the table-layout module, and only there. */
describe('table layout', () => {
  it('is the only module that spells a key prefix, a key attribute value, an index name or a key condition', async () => {
    const layout = await readFile(new URL(LAYOUT, ROOT), 'utf8');
    const prefixes = [...new Set([...layout.matchAll(/[`'"]([A-Z][A-Z_]+)#/g)].map((m) => m[1]!))];
    expect(prefixes).toEqual(
      expect.arrayContaining([
        'SESSION',
        'USER_SESSIONS',
        'USER',
        'EMAIL',
        'GROUP',
        'MEMBER',
        'INGROUP',
        'MEMBEROF',
        'TMEMBERS',
        'SYNCRUN',
        'CHUNK',
        'SEARCHINDEX',
      ]),
    );
    const prefixLiteral = new RegExp(`[\`'"](${prefixes.join('|')})#`);
    const keyLiteral = /\b(pk|sk|gsi\d(pk|sk))\s*:\s*[`'"]|(IndexName|KeyConditionExpression):\s*[`'"]/;
    const offenders: string[] = [];
    for (const file of sourceFiles()) {
      const lines = withoutComments(await readFile(new URL(file, ROOT), 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (prefixLiteral.test(line) || keyLiteral.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('builds queries on the indexes the table defines', () => {
    const names = TABLE.globalSecondaryIndexes.map((i) => i.indexName);
    for (const partition of [KEYS.users, KEYS.groups, KEYS.userSessions('1'), KEYS.memberOf('USER#1'), KEYS.usersInGroup('g')]) {
      expect(names).toContain(indexQuery(partition).IndexName);
    }
    expect(indexQuery(KEYS.usersInGroup('g'))).toEqual({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': 'TMEMBERS#g' },
    });
    expect(prefixQuery(KEYS.groupsOfUser('7')).ExpressionAttributeValues).toEqual({ ':pk': 'USER#7', ':prefix': 'INGROUP#' });
    expect(KEYS.sessionIdOf(KEYS.session('abc').pk)).toBe('abc');
  });
});
