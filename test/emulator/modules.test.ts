import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../local/emulator/emulator.js';
import { json } from '../../local/emulator/http.js';
import type { EmulatorModule } from '../../local/emulator/module.js';
import { EMULATOR_MODULES } from '../../local/emulator/modules.js';
import { startTestEmulator } from '../support/emulator.js';

/** A future API (say Cloud Identity) added through the contract: a name and its routes over the shared context. */
const cloudIdentityModule: EmulatorModule = {
  name: 'cloudidentity',
  routes: (context) => [
    {
      method: 'POST',
      path: '/v1/groups/{name}',
      name: 'cloudidentity.groups.get',
      handler: (request) =>
        json(200, { caller: context.authorize(request, ['https://www.googleapis.com/auth/cloud-platform']).email ?? null }),
    },
  ],
};

describe('emulator module contract', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startTestEmulator({ users: 5, groups: 2, modules: [cloudIdentityModule] });
  });
  afterAll(() => emulator.stop());

  it('registers every Google API once, each naming its own methods', () => {
    const names = EMULATOR_MODULES.map((m) => m.name);
    expect(names).toEqual([
      'oauth2',
      'directory',
      'directory-write',
      'push',
      'gmail',
      'drive',
      'calendar',
      'gsi',
      'sts',
      'iamcredentials',
      'photos',
    ]);
    // Directory writes and push channels extend APIs registered by name (directory, reports) and the emulator's own controls.
    const apisOf = (name: string) => ({ 'directory-write': ['directory'], push: ['directory', 'reports', 'emulator'] })[name] ?? [name];
    for (const module of EMULATOR_MODULES) {
      for (const route of module.routes(emulator.context))
        expect(
          apisOf(module.name).some((api) => route.name.startsWith(`${api}.`)),
          route.name,
        ).toBe(true);
    }
  });

  it('serves an added module with the shared token checks and counters', async () => {
    const path = '/v1/groups/g1';
    const refused = await fetch(`${emulator.origin}${path}`, { method: 'POST' });
    expect(refused.status).toBe(401);
    const token = emulator.context.tokens.issueAccess({
      clientId: 'c',
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
      email: 'x@example.com',
    }).token;
    const answer = await fetch(`${emulator.origin}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(await answer.json()).toEqual({ caller: 'x@example.com' });
    expect(emulator.counters()['cloudidentity.groups.get']).toBe(2);
  });
});
