import { describe, expect, it } from 'vitest';
import { TOKEN_RENEWAL_MARGIN_MS, cachedPerScopeSet, type DelegatedToken } from '../../shared/adapters/google/delegated-token.js';

describe('delegated token cache', () => {
  const HOUR = 3_600_000;
  const setUp = (lifetimeMs = HOUR) => {
    let clock = 1_000_000;
    const asked: string[][] = [];
    let fail = false;
    const token = cachedPerScopeSet(
      async (scopes): Promise<DelegatedToken> => {
        asked.push([...scopes]);
        if (fail) throw new Error('refused');
        return { accessToken: `token-${asked.length}`, expiresAt: clock + lifetimeMs };
      },
      () => clock,
    );
    return {
      token,
      asked,
      advance: (ms: number) => {
        clock += ms;
      },
      failNext: (value: boolean) => {
        fail = value;
      },
    };
  };

  it('asks once per scope set, whatever the order, and once for concurrent askers', async () => {
    const { token, asked } = setUp();
    const [a, b] = await Promise.all([token(['x', 'y']), token(['y', 'x'])]);
    expect(a).toBe(b);
    expect((await token(['x'])).accessToken).toBe('token-2');
    expect((await token(['x', 'y'])).accessToken).toBe('token-1');
    expect(asked).toEqual([['x', 'y'], ['x']]);
  });

  it('renews a token shortly before it expires, not before', async () => {
    const { token, asked, advance } = setUp();
    await token(['x']);
    advance(HOUR - TOKEN_RENEWAL_MARGIN_MS - 1);
    expect((await token(['x'])).accessToken).toBe('token-1');
    advance(2);
    expect((await token(['x'])).accessToken).toBe('token-2');
    expect(asked).toHaveLength(2);
  });

  it('keeps no failure: the next asker tries again', async () => {
    const { token, failNext } = setUp();
    failNext(true);
    await expect(token(['x'])).rejects.toThrow('refused');
    failNext(false);
    expect((await token(['x'])).accessToken).toBe('token-2');
  });
});
