import { putUser } from '../../shared/adapters/dynamodb/users.js';
import type { DirectoryUser } from '../../shared/domain/directory/model.js';
import { makeUser } from './directory.js';
import { startLocalApp, type LocalApp } from './local-app.js';
import { OidcTestProvider, type TestAccount } from './oidc-test-provider.js';

/** The local app wired to an in-process test provider, with the provider's account seeded in the directory. */
export interface SignInFixture {
  readonly app: LocalApp;
  readonly provider: OidcTestProvider;
  seed(user: Partial<DirectoryUser> & Pick<DirectoryUser, 'id' | 'primaryEmail'>): Promise<DirectoryUser>;
  close(): Promise<void>;
}

export const ADA: TestAccount = { sub: '110000000000000000001', email: 'ada@example.com', hd: 'example.com', name: 'Ada Lovelace' };

export async function startSignInFixture(env: Record<string, string> = {}, account: TestAccount = ADA): Promise<SignInFixture> {
  const provider = await OidcTestProvider.start({ account });
  const app = await startLocalApp({
    OIDC_ISSUER: provider.issuer,
    GOOGLE_CLIENT_ID: provider.clientId,
    GOOGLE_CLIENT_SECRET: provider.clientSecret,
    ...env,
  });
  const seed = async (overrides: Partial<DirectoryUser> & Pick<DirectoryUser, 'id' | 'primaryEmail'>) => {
    const user = makeUser(overrides);
    await putUser(app.deps.db, app.deps.config.tableName, user);
    return user;
  };
  await seed({
    id: account.sub,
    primaryEmail: account.email,
    name: { fullName: 'Ada Lovelace', givenName: 'Ada', familyName: 'Lovelace' },
  });
  return {
    app,
    provider,
    seed,
    close: async () => {
      await app.close();
      await provider.close();
    },
  };
}
