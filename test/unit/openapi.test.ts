import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../shared/routes/api.js';

interface Operation { parameters?: { name: string; in: string; required?: boolean }[]; responses: Record<string, unknown> }
type PathItem = Record<string, Operation>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** docs/openapi.json describes exactly the routes the API function serves. */
describe('OpenAPI description', () => {
  it('lists every route of the router, and no other', async () => {
    const doc = JSON.parse(await readFile(new URL('../../docs/openapi.json', import.meta.url), 'utf8')) as { openapi: string; paths: Record<string, PathItem> };
    expect(doc.openapi).toMatch(/^3\.1\./);
    const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).filter((m) => METHODS.includes(m)).map((m) => `${m.toUpperCase()} ${path}`));
    const served = API_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(documented.sort()).toEqual(served.sort());
  });

  it('declares every path parameter and a JSON error answer for bad input where a route takes input', async () => {
    const doc = JSON.parse(await readFile(new URL('../../docs/openapi.json', import.meta.url), 'utf8')) as { paths: Record<string, PathItem> };
    for (const [path, item] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, operation] of Object.entries(item)) {
        const declared = (operation.parameters ?? []).filter((p) => p.in === 'path' && p.required).map((p) => p.name);
        expect(declared.sort(), `${method} ${path}`).toEqual(names.sort());
        if ((operation.parameters ?? []).length > 0 || method === 'post') expect(Object.keys(operation.responses).some((s) => s.startsWith('4')), `${method} ${path}`).toBe(true);
      }
    }
  });
});
