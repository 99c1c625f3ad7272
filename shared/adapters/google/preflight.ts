import { admin_directory_v1 } from '@googleapis/admin';
import { DelegatedTokenError, delegatedAuthClient, type DelegatedTokenSource } from './delegated-token.js';
import { syncTokenSource } from './credentials.js';
import { describeGoogleFailure, explainFailure } from './google-calls.js';
import { DELEGATION_CONSOLE, PUSH_SCOPES, SYNC_SCOPES, SYNC_SCOPE_URLS } from './scopes.js';
import type { SyncDependencies } from '../../services/sync/dependencies.js';

export interface PreflightCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  /** A failure here does not fail the preflight (push-driven sync stays off; the full sync works). */
  readonly optional?: boolean;
}

export interface PreflightInput {
  /** The credential mode's token source, or the error building it (a key missing or malformed). */
  readonly tokenSource: () => Promise<DelegatedTokenSource>;
  readonly subject: string;
  readonly apiRoot: string;
}

export interface PreflightReport {
  readonly status: 'ok' | 'failed';
  readonly checks: readonly PreflightCheck[];
}

/** The preflight of the configured credentials and admin subject: what `--check` prints and the sync Lambda's `{ "preflight": true }` returns. */
export async function preflightReport(deps: SyncDependencies): Promise<PreflightReport> {
  const checks = await runPreflight({
    tokenSource: () => syncTokenSource(deps),
    subject: deps.config.googleAdminSubject,
    apiRoot: deps.config.googleApiRoot,
  });
  return { status: checks.every((c) => c.ok || c.optional) ? 'ok' : 'failed', checks };
}

/**
 * `npm run sync -- --check`: walks the credential chain in order and stops at the first step that
 * fails — the key (key mode), or AWS credentials, STS and signJwt (keyless mode) — then checks that
 * each delegated scope yields a token for the admin subject (one token request per scope, so a
 * missing one is named), and that the subject may read the directory (one small call per API).
 */
export async function runPreflight(input: PreflightInput): Promise<PreflightCheck[]> {
  const checks: PreflightCheck[] = [];
  let tokens: DelegatedTokenSource;
  try {
    tokens = await input.tokenSource();
  } catch (error) {
    checks.push({ name: 'service-account key', ok: false, detail: error instanceof Error ? error.message : String(error) });
    return checks;
  }
  const credentialChecks = await tokens.verify();
  checks.push(...credentialChecks);
  if (credentialChecks.some((c) => !c.ok)) return checks;
  const scopeChecks = await checkScopes(tokens, input.subject);
  checks.push(...scopeChecks, ...(await checkScopes(tokens, input.subject, PUSH_SCOPES)).map((c) => ({ ...c, optional: true })));
  if (scopeChecks.some((c) => !c.ok)) return checks;
  const admin = new admin_directory_v1.Admin({
    auth: delegatedAuthClient(tokens, SYNC_SCOPE_URLS),
    rootUrl: input.apiRoot,
  });
  const noRetry = { retry: false } as const;
  const calls: Array<[string, () => Promise<unknown>]> = [
    ['read users', () => admin.users.list({ customer: 'my_customer', maxResults: 1, fields: 'users(id),nextPageToken' }, noRetry)],
    ['read groups', () => admin.groups.list({ customer: 'my_customer', maxResults: 1, fields: 'groups(id),nextPageToken' }, noRetry)],
    ['read domains', () => admin.domains.list({ customer: 'my_customer', fields: 'domains(domainName)' }, noRetry)],
    ['read user schemas', () => admin.schemas.list({ customerId: 'my_customer', fields: 'schemas(schemaName)' }, noRetry)],
  ];
  for (const [name, call] of calls) {
    try {
      await call();
      checks.push({ name: `admin subject: ${name}`, ok: true, detail: `${input.subject} may ${name}` });
    } catch (error) {
      checks.push({
        name: `admin subject: ${name}`,
        ok: false,
        detail: explainFailure(describeGoogleFailure(error, Date.now()), name, input.subject).message,
      });
    }
  }
  return checks;
}

/** One token request per scope: a scope missing from domain-wide delegation is named, not guessed. */
export async function checkScopes(
  tokens: DelegatedTokenSource,
  subject: string,
  scopes: ReadonlyArray<{ scope: string; reads: string }> = SYNC_SCOPES,
): Promise<PreflightCheck[]> {
  return Promise.all(
    scopes.map(async ({ scope, reads }) => {
      try {
        await tokens.token([scope]);
        return { name: `scope ${scope}`, ok: true, detail: `delegated (reads ${reads})` };
      } catch (error) {
        const failure = describeGoogleFailure(error, Date.now());
        let detail: string;
        if (failure.tokenError && failure.reason === 'unauthorized_client') {
          detail = `NOT delegated: add ${scope} for ${tokens.delegationClient} in ${DELEGATION_CONSOLE} (sync needs it to read ${reads}).`;
        } else {
          detail = error instanceof DelegatedTokenError ? error.message : explainFailure(failure, 'a token', subject).message;
        }
        return { name: `scope ${scope}`, ok: false, detail };
      }
    }),
  );
}

/** The run's message when Google refuses its token: which scopes are missing and where to add them. */
export async function describeMissingScopes(tokens: DelegatedTokenSource, subject: string): Promise<string | undefined> {
  const missing = (await checkScopes(tokens, subject)).filter((c) => !c.ok);
  if (missing.length === 0) return undefined;
  return `Google refused the sync's token for ${subject}. ${missing.map((c) => c.detail).join(' ')}`;
}
