/**
 * Every credential the emulator hands out, and the marker that makes each one recognizable in a
 * log line or a database dump: leak tests scan for EMULATOR_TOKEN_MARKER (opaque tokens) and
 * EMULATOR_JWT_PREFIX (ID tokens), and compare against `issued()`.
 */
import { randomBytes } from 'node:crypto';

/** Inside every opaque token (authorization codes, access and refresh tokens) the emulator issues. */
export const EMULATOR_TOKEN_MARKER = 'wb-emulator';

/**
 * Every JWT the emulator signs starts its protected header with this member, so the base64url
 * encoding of the header, and hence of the token, starts with EMULATOR_JWT_PREFIX.
 */
export const EMULATOR_JWT_HEADER_MEMBER = { emulator: EMULATOR_TOKEN_MARKER } as const;
export const EMULATOR_JWT_PREFIX = Buffer.from(`{"emulator":"${EMULATOR_TOKEN_MARKER}",`.slice(0, 24)).toString('base64url');

/** Whether a text (a log line, a stored item, a response) contains any token the emulator issued. */
export function containsEmulatorToken(text: string): boolean {
  return text.includes(EMULATOR_TOKEN_MARKER) || text.includes(EMULATOR_JWT_PREFIX);
}

/** Google's opaque token shapes, marker inside: access `ya29.…`, refresh `1//…`, code `4/…`. */
const SHAPES = { access: 'ya29.', refresh: '1//', code: '4/' } as const;

export type TokenKind = keyof typeof SHAPES;

/** Who a token speaks for: a user signed in through the OIDC flow or a service account (maybe impersonating). */
export interface Grant {
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** The user's email (OIDC) or the impersonated subject (domain-wide delegation); absent for a bare service account. */
  readonly email?: string;
  /** The Directory user id / `sub`. */
  readonly userId?: string;
  readonly serviceAccount?: string;
  readonly expiresAt: number;
}

export class TokenRegistry {
  private readonly everything: string[] = [];
  private readonly access = new Map<string, Grant>();
  private readonly refresh = new Map<string, Grant>();

  constructor(private readonly now: () => number) {}

  /** A new opaque token of Google's shape for `kind`, recorded in `issued()`. */
  mint(kind: TokenKind): string {
    return this.record(`${SHAPES[kind]}${EMULATOR_TOKEN_MARKER}.${randomBytes(32).toString('base64url')}`);
  }

  /** Records a token minted elsewhere (signed JWTs), for leak tests. */
  record(token: string): string {
    this.everything.push(token);
    return token;
  }

  issueAccess(grant: Omit<Grant, 'expiresAt'>, lifetimeSeconds = 3599): { token: string; grant: Grant } {
    const token = this.mint('access');
    const full = { ...grant, expiresAt: this.now() + lifetimeSeconds * 1000 };
    this.access.set(token, full);
    return { token, grant: full };
  }

  issueRefresh(grant: Omit<Grant, 'expiresAt'>): string {
    const token = this.mint('refresh');
    this.refresh.set(token, { ...grant, expiresAt: Number.POSITIVE_INFINITY });
    return token;
  }

  /** The live grant behind an access token, or undefined (unknown, expired or revoked). */
  accessGrant(token: string): Grant | undefined {
    const grant = this.access.get(token);
    return grant && grant.expiresAt > this.now() ? grant : undefined;
  }

  refreshGrant(token: string): Grant | undefined {
    return this.refresh.get(token);
  }

  /** Google's revoke: revoking either token of a grant ends the refresh token and its access tokens. */
  revoke(token: string): boolean {
    const grant = this.access.get(token) ?? this.refresh.get(token);
    if (!grant) return false;
    for (const map of [this.access, this.refresh]) {
      for (const [key, value] of map)
        if (value.clientId === grant.clientId && value.userId === grant.userId && value.email === grant.email) map.delete(key);
    }
    return true;
  }

  issued(): readonly string[] {
    return [...this.everything];
  }
}
