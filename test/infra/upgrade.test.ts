import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { synthesize } from './support.js';

/**
 * Logical ID and type of every resource as the stacks created them before the concerns became
 * constructs (default settings, every stack). A changed logical ID makes CloudFormation replace the
 * resource on upgrade: a retained table or bucket is orphaned and a new, empty one created; a named
 * secret, function or dashboard clashes with its old self; an export in use cannot change.
 */
const BEFORE = JSON.parse(readFileSync(new URL('./fixtures/logical-ids.json', import.meta.url), 'utf8')) as Record<
  string,
  Record<string, string>
>;

describe('upgrading an installation', () => {
  it('keeps the logical ID and type of every resource an earlier version deployed', () => {
    const { bridge, template } = synthesize();
    for (const stack of [bridge.data, bridge.api!, bridge.sync!, bridge.web, bridge.monitoring]) {
      const resources = template(stack).toJSON().Resources as Record<string, { Type: string }>;
      const now = Object.fromEntries(Object.entries(resources).map(([id, r]) => [id, r.Type]));
      expect(now, stack.stackName).toMatchObject(BEFORE[stack.stackName]!);
    }
  });
});
