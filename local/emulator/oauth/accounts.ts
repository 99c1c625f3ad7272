/**
 * The Google accounts that can sign in: every live, unsuspended, unarchived user of the tenant
 * (sub = Directory user id), plus two that exist only at the OpenID side — a consumer account
 * (gmail.com, no `hd`) and an account whose email is not verified — for the relying party's
 * rejection paths.
 */
import type { DirectoryStore } from '../directory/store.js';
import type { DirectoryUserResource } from '../seed/model.js';
import { Random } from '../seed/random.js';

export interface OidcAccount {
  readonly sub: string;
  readonly email: string;
  readonly emailVerified: boolean;
  /** The Workspace domain; absent for consumer accounts. */
  readonly hd?: string;
  readonly name: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly picture: string;
}

export const CONSUMER_EMAIL = 'casey.consumer@gmail.com';
/** Synthetic on purpose: a tenant domain but `email_verified: false`, so only that check can reject it. */
export const UNVERIFIED_EMAIL = 'uma.unverified@example.com';

export class OidcAccounts {
  private readonly extra: readonly OidcAccount[];

  constructor(
    private readonly store: DirectoryStore,
    seed: string,
  ) {
    const random = new Random('oidc-accounts', seed);
    this.extra = [
      account(`1${random.digits(20)}`, CONSUMER_EMAIL, true, undefined, 'Casey', 'Consumer'),
      account(`1${random.digits(20)}`, UNVERIFIED_EMAIL, false, 'example.com', 'Uma', 'Unverified'),
    ];
  }

  /** The account for an email, or undefined when it does not exist or cannot sign in (suspended, archived, deleted). */
  find(email: string): OidcAccount | undefined {
    const extra = this.extra.find((a) => a.email === email.toLowerCase());
    if (extra) return extra;
    const user = this.store.user(email);
    return user && canSignIn(user) ? fromUser(user) : undefined;
  }

  bySub(sub: string): OidcAccount | undefined {
    const user = this.store.user(sub);
    return this.extra.find((a) => a.sub === sub) ?? (user ? this.find(user.primaryEmail) : undefined);
  }

  /** What the chooser lists: the hinted account first, the admin, a few colleagues, then the two special accounts. */
  chooserList(loginHint: string | undefined, size = 12): OidcAccount[] {
    const hinted = loginHint ? this.find(loginHint) : undefined;
    const users = this.store.users.filter(canSignIn).slice(0, size).map(fromUser);
    const all = [...(hinted ? [hinted] : []), ...users, ...this.extra];
    return all.filter((a, i) => all.findIndex((b) => b.sub === a.sub) === i);
  }
}

function canSignIn(user: DirectoryUserResource): boolean {
  return !user.deletionTime && !user.suspended && !user.archived;
}

function fromUser(user: DirectoryUserResource): OidcAccount {
  return {
    sub: user.id,
    email: user.primaryEmail,
    emailVerified: true,
    hd: user.primaryEmail.split('@')[1]!,
    name: user.name.fullName,
    givenName: user.name.givenName,
    familyName: user.name.familyName,
    picture: user.thumbnailPhotoUrl ?? `https://lh3.googleusercontent.com/a/emulator-${user.id}=s96-c`,
  };
}

function account(
  sub: string,
  email: string,
  emailVerified: boolean,
  hd: string | undefined,
  givenName: string,
  familyName: string,
): OidcAccount {
  return {
    sub,
    email,
    emailVerified,
    ...(hd ? { hd } : {}),
    name: `${givenName} ${familyName}`,
    givenName,
    familyName,
    picture: `https://lh3.googleusercontent.com/a/emulator-${sub}=s96-c`,
  };
}
