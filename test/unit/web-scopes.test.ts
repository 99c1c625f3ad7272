import { describe, expect, it } from 'vitest';
import { GoogleAccess, ScopeDeniedError } from '../../web/src/google/access.js';
import type { Gis } from '../../web/src/google/gis.js';
import {
  accessFor,
  EXPIRY_MARGIN_MS,
  scopesToRequest,
  tokenFromResponse,
  TokenResponseError,
  type TokenResponse,
} from '../../web/src/google/ledger.js';
import { allows, LEDGER, REVOKE_SCOPE, SCOPES } from '../../web/src/google/scopes.js';

const NOW = 1_700_000_000_000;
const token = (scopes: string[], expiresIn = 3599, now = NOW) =>
  tokenFromResponse({ access_token: 'ya29.test', expires_in: expiresIn, scope: scopes.join(' '), token_type: 'Bearer' }, now);

describe('the scope ledger', () => {
  it('lists each scope once, with a reason and when it is asked', () => {
    expect(new Set(LEDGER.map((e) => e.scope)).size).toBe(LEDGER.length);
    for (const entry of LEDGER) {
      expect(entry.reason.length).toBeGreaterThan(30);
      expect(entry.askedWhen).toMatch(/^When /);
    }
  });

  it('asks only read-only scopes for showing widgets, and the broad ones only for actions', () => {
    const reads = LEDGER.filter((e) => e.feature.endsWith('.read')).map((e) => e.scope);
    expect(reads).toEqual([SCOPES.gmailMetadata, SCOPES.driveReadonly, SCOPES.calendarReadonly]);
    expect(LEDGER.find((e) => e.feature === 'drive.share')?.scope).toBe(SCOPES.drive);
    expect(LEDGER.find((e) => e.feature === 'calendar.write')?.scope).toBe(SCOPES.calendarEvents);
  });

  it('counts a broader scope as covering the narrower one, as Google does, but never the reverse', () => {
    expect(allows(new Set([SCOPES.drive]), 'drive.read')).toBe(true);
    expect(allows(new Set([SCOPES.driveReadonly]), 'drive.share')).toBe(false);
    expect(allows(new Set([SCOPES.calendarEvents]), 'calendar.read')).toBe(true);
    expect(allows(new Set([SCOPES.calendarReadonly]), 'calendar.write')).toBe(false);
    expect(allows(new Set([SCOPES.driveReadonly]), 'mail.read')).toBe(false);
  });
});

describe('token responses', () => {
  it('keeps the granted scopes and expires a minute before Google would', () => {
    const t = token([SCOPES.gmailMetadata, SCOPES.driveReadonly], 3600);
    expect(t.granted).toEqual(new Set([SCOPES.gmailMetadata, SCOPES.driveReadonly]));
    expect(t.expiresAt).toBe(NOW + 3_600_000 - EXPIRY_MARGIN_MS);
  });

  it.each<[TokenResponse, string]>([
    [{ error: 'access_denied' }, 'access_denied'],
    [{ expires_in: 3600, scope: 'x' }, 'invalid_response'],
    [{ access_token: 'a', expires_in: 'soon' }, 'invalid_response'],
    [{ access_token: 'a', expires_in: 0 }, 'invalid_response'],
    [{ access_token: 'a', expires_in: 3600, token_type: 'mac' }, 'invalid_response'],
  ])('rejects %j', (response, code) => {
    expect(() => tokenFromResponse(response, NOW)).toThrow(TokenResponseError);
    try {
      tokenFromResponse(response, NOW);
    } catch (error) {
      expect((error as TokenResponseError).code).toBe(code);
    }
  });
});

describe('what a feature may do', () => {
  it('is not connected without a token, and expired once a token lapsed', () => {
    expect(accessFor(undefined, 'mail.read', NOW).kind).toBe('not-connected');
    expect(accessFor(undefined, 'mail.read', NOW, true).kind).toBe('expired');
    const t = token([SCOPES.gmailMetadata], 120);
    expect(accessFor(t, 'mail.read', NOW).kind).toBe('granted');
    expect(accessFor(t, 'mail.read', NOW + 60_000).kind).toBe('expired');
  });

  it('reports the missing scope after a partial grant', () => {
    const t = token([SCOPES.gmailMetadata]);
    expect(accessFor(t, 'drive.read', NOW)).toEqual({ kind: 'missing-scope', scope: SCOPES.driveReadonly });
  });

  it('asks only for scopes the token lacks; everything again once it expired', () => {
    const t = token([SCOPES.gmailMetadata, SCOPES.driveReadonly], 3600);
    expect(scopesToRequest(t, ['mail.read', 'drive.read'], NOW)).toEqual([]);
    expect(scopesToRequest(t, ['mail.read', 'drive.share'], NOW)).toEqual([SCOPES.drive]);
    expect(scopesToRequest(undefined, ['mail.read', 'calendar.read'], NOW)).toEqual([SCOPES.gmailMetadata, SCOPES.calendarReadonly]);
    expect(scopesToRequest(t, ['mail.read'], NOW + 3_600_000)).toEqual([SCOPES.gmailMetadata]);
  });
});

/** Stands in for the GIS popup: answers each request with the scopes the "user" ticks. */
function fakeGis(answer: (scopes: readonly string[]) => TokenResponse) {
  const requests: string[][] = [];
  const revoked: string[] = [];
  const gis: Gis = {
    request: async (scopes) => {
      requests.push([...scopes]);
      return answer(scopes);
    },
    revoke: async (accessToken) => {
      revoked.push(accessToken);
    },
  };
  return { gis, requests, revoked };
}

describe('GoogleAccess: incremental requests through GIS', () => {
  it('asks for the narrow scope first and the broad one only when the action needs it, keeping the union', async () => {
    let granted: string[] = [];
    let n = 0;
    const { gis, requests } = fakeGis((scopes) => {
      granted = [...new Set([...granted, ...scopes])];
      return { access_token: `token-${++n}`, expires_in: 3599, scope: granted.join(' '), token_type: 'Bearer' };
    });
    let now = NOW;
    const access = new GoogleAccess(() => now);
    access.attach(gis);
    await access.ensure(['drive.read']);
    expect(access.access('drive.share').kind).toBe('missing-scope');
    await access.ensure(['drive.read']); // already granted: no popup
    await access.ensure(['drive.share']);
    expect(requests).toEqual([[SCOPES.driveReadonly], [SCOPES.drive]]);
    expect(access.access('drive.read').kind).toBe('granted');
    now += 3_600_000;
    expect(access.access('drive.read').kind).toBe('expired');
    await access.ensure(['drive.read']);
    expect(requests.at(-1)).toEqual([SCOPES.driveReadonly]);
  });

  it('throws ScopeDeniedError naming the unticked feature, and keeps what was granted', async () => {
    const { gis } = fakeGis(() => ({ access_token: 't', expires_in: 3599, scope: SCOPES.gmailMetadata, token_type: 'Bearer' }));
    const access = new GoogleAccess(() => NOW);
    access.attach(gis);
    const error = await access.ensure(['mail.read', 'calendar.read']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScopeDeniedError);
    expect((error as ScopeDeniedError).features).toEqual(['calendar.read']);
    expect(access.access('mail.read').kind).toBe('granted');
    expect(access.access('calendar.read').kind).toBe('missing-scope');
  });

  it('forgets the token on 401 for that token only, and revokes on disconnect', async () => {
    const { gis, revoked } = fakeGis(() => ({ access_token: 'live', expires_in: 3599, scope: SCOPES.gmailMetadata, token_type: 'Bearer' }));
    const access = new GoogleAccess(() => NOW);
    access.attach(gis);
    let changes = 0;
    access.subscribe(() => changes++);
    await access.ensure(['mail.read']);
    access.invalidate('some-older-token');
    expect(access.access('mail.read').kind).toBe('granted');
    access.invalidate('live');
    expect(access.access('mail.read').kind).toBe('expired');
    await access.ensure(['mail.read']);
    await access.disconnect();
    expect(revoked).toEqual(['live']);
    expect(access.access('mail.read').kind).toBe('not-connected');
    expect(access.granted().size).toBe(0);
    expect(changes).toBe(4);
  });

  it('disconnects without a token in the tab (after a reload) or with an expired one: asks for one with the sign-in scope, then revokes it', async () => {
    let n = 0;
    const { gis, requests, revoked } = fakeGis((scopes) => ({
      access_token: `fresh-${++n}`,
      expires_in: 3599,
      scope: [SCOPES.gmailMetadata, ...scopes].join(' '),
      token_type: 'Bearer',
    }));
    let now = NOW;
    const access = new GoogleAccess(() => now);
    access.attach(gis);
    await access.disconnect();
    expect(requests).toEqual([[REVOKE_SCOPE]]);
    expect(revoked).toEqual(['fresh-1']);
    expect(access.access('mail.read').kind).toBe('not-connected');

    await access.ensure(['mail.read']);
    now += 3_600_000;
    await access.disconnect();
    expect(requests.at(-1)).toEqual([REVOKE_SCOPE]);
    expect(revoked).toEqual(['fresh-1', 'fresh-3']);
  });

  it("says why a disconnect without a token failed: GIS has not loaded, or the user declined in Google's window", async () => {
    const access = new GoogleAccess(() => NOW);
    await expect(access.disconnect()).rejects.toThrow(/still loading/);
    const { gis, revoked } = fakeGis(() => ({ error: 'access_denied' }));
    access.attach(gis);
    await expect(access.disconnect()).rejects.toBeInstanceOf(TokenResponseError);
    expect(revoked).toEqual([]);
  });

  it('refuses to ask before GIS has loaded', async () => {
    await expect(new GoogleAccess(() => NOW).ensure(['mail.read'])).rejects.toThrow(/still loading/);
  });
});
