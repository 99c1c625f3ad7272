import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { API_ENDPOINTS } from '../../shared/contract/api.js';
import { API_ROUTES } from '../../shared/routes/api.js';
import { GOOGLE_USER_ID } from '../../shared/domain/directory/google-ids.js';

interface Operation {
  parameters?: { name: string; in: string; required?: boolean }[];
  responses: Record<string, unknown>;
}
type PathItem = Record<string, Operation>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

const CONTRACT = new URL('../../shared/contract/api.ts', import.meta.url);

/** docs/openapi.json, the wire contract (shared/contract/api.ts) and the router describe the same API. */
describe('OpenAPI description', () => {
  it('lists every route of the router, and no other', async () => {
    const doc = JSON.parse(await readFile(new URL('../../docs/openapi.json', import.meta.url), 'utf8')) as {
      openapi: string;
      paths: Record<string, PathItem>;
    };
    expect(doc.openapi).toMatch(/^3\.1\./);
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => METHODS.includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    const served = API_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(documented.sort()).toEqual(served.sort());
    expect([...API_ENDPOINTS].sort()).toEqual(served.sort());
  });

  it('names in components.schemas only shapes the wire contract exports', async () => {
    const doc = JSON.parse(await readFile(new URL('../../docs/openapi.json', import.meta.url), 'utf8')) as {
      components: { schemas: Record<string, unknown> };
    };
    const source = await readFile(CONTRACT, 'utf8');
    const exported = new Set([...source.matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => m[1]));
    const missing = Object.keys(doc.components.schemas).filter((name) => name !== 'Error' && !exported.has(name));
    expect(missing).toEqual([]);
    expect(exported.has('ErrorBody')).toBe(true);
  });

  it('keeps the wire contract free of imports, so the browser bundle takes nothing of the server', async () => {
    const source = await readFile(CONTRACT, 'utf8');
    expect(source).not.toMatch(/^\s*(import|export .* from)\b/m);
  });

  it('gives every user id (a path id under /api/people or /api/admin/users, manager=, userId) the one Google user id shape', async () => {
    const doc = JSON.parse(await readFile(new URL('../../docs/openapi.json', import.meta.url), 'utf8')) as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema?: { pattern?: string } }[] }>>;
    };
    const patterns: string[] = [];
    for (const [path, item] of Object.entries(doc.paths))
      for (const operation of Object.values(item))
        for (const p of operation.parameters ?? [])
          if (p.name === 'manager' || (p.in === 'path' && /^\/api\/(people|admin\/users)\/\{id\}/.test(path)))
            patterns.push(`${p.schema?.pattern}`);
    const source = JSON.stringify(doc);
    patterns.push(
      ...[...source.matchAll(/"userId":\{"type":"string","pattern":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string),
    );
    expect(patterns.length).toBeGreaterThanOrEqual(6);
    expect(new Set(patterns)).toEqual(new Set([GOOGLE_USER_ID.source]));
  });

  it('declares every path parameter and a JSON error answer for bad input where a route takes input', async () => {
    const doc = JSON.parse(await readFile(new URL('../../docs/openapi.json', import.meta.url), 'utf8')) as {
      paths: Record<string, PathItem>;
    };
    for (const [path, item] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, operation] of Object.entries(item)) {
        const declared = (operation.parameters ?? []).filter((p) => p.in === 'path' && p.required).map((p) => p.name);
        expect(declared.sort(), `${method} ${path}`).toEqual(names.sort());
        if ((operation.parameters ?? []).length > 0 || method === 'post')
          expect(
            Object.keys(operation.responses).some((s) => s.startsWith('4')),
            `${method} ${path}`,
          ).toBe(true);
      }
    }
  });
});
