import { timingSafeEqual } from 'node:crypto';
import { redirect, type HttpRequest, type HttpResponse } from '../../http/http.js';
import { logger } from '../../logging/logger.js';
import type { Dependencies } from '../../runtime/dependencies.js';
import { clearCookie, isTransactionCookie, SESSION_COOKIE, setCookie, transactionCookieName } from '../../http/cookies.js';
import { LoginRejected } from '../../domain/auth/errors.js';
import { acceptedIssuers, verifyIdToken } from '../../domain/auth/id-token-checks.js';
import { purposeKeys } from '../purpose-keys.js';
import { redirectUri } from './login.js';
import { matchUser } from './match-user.js';
import { authorizationCode, discover, exchangeCode, isRandomToken } from '../../adapters/google/oidc-client.js';
import { accountSetupPage } from './pages.js';
import { rejectionResponse } from './rejection.js';
import { parseReturnTo } from '../../domain/auth/return-to.js';
import { clientSecret } from './client-secret.js';
import { createSession, endSession, hashSessionIdentifier, sessionPolicy } from '../../adapters/dynamodb/sessions.js';
import { openTransaction, type LoginTransaction } from '../../domain/auth/transaction-cookie.js';

/**
 * GET /auth/callback: the browser comes back from the issuer. Checks state against this browser's
 * transaction cookie, redeems the code with the PKCE verifier, validates the ID token completely,
 * matches the directory user by `sub`, and starts a new intranet session (or, for a person the
 * directory does not hold yet, answers "being set up" while the sync side fetches them). The ID token is used here and
 * dropped; it is never stored or logged.
 */
export async function completeLogin(request: HttpRequest, deps: Dependencies): Promise<HttpResponse> {
  const { config, db } = deps;
  const state = request.query.get('state');
  // The transaction is single-use: its cookie is deleted whatever the outcome. The state names the
  // cookie, so only a state of the shape we issue may: a `;` or CR/LF from the query would
  // otherwise add cookie attributes or break the response's headers.
  const spent = state && isRandomToken(state) ? [clearCookie(transactionCookieName(state))] : [];
  try {
    const transaction = await transactionFor(request, deps, state);
    // Decided before anything happens: a refused destination must not leave a new session behind,
    // end the browser's previous one, or log a sign-in.
    const location = parseReturnTo(transaction.returnTo, config.appOrigin);
    const provider = await discover(config.oidcIssuer);
    const code = authorizationCode(provider, request.query);
    const idToken = await exchangeCode(provider, {
      clientId: config.googleClientId,
      clientSecret: await clientSecret(deps),
      redirectUri: redirectUri(config.appOrigin),
      code,
      codeVerifier: transaction.codeVerifier,
    });
    const identity = await verifyIdToken(idToken, {
      issuers: acceptedIssuers(provider.metadata.issuer),
      clientId: config.googleClientId,
      nonce: transaction.nonce,
      allowedDomains: config.allowedDomains,
      jwks: provider.jwks,
    });
    const matched = await matchUser(deps, identity);
    if (!('user' in matched)) return accountSetupPage(request.requestId, location, spent);
    const { user } = matched;
    // A new identifier at every sign-in; the session this browser had before ends.
    const previous = request.cookies.get(SESSION_COOKIE);
    const policy = sessionPolicy(config);
    const [{ identifier }] = await Promise.all([
      createSession(db, config.tableName, user, request.userAgent, policy),
      previous ? endSession(db, config.tableName, hashSessionIdentifier(previous)) : undefined,
    ]);
    logger.info('signed in', { userId: user.id });
    return redirect(location, {
      cookies: [...spent, setCookie(SESSION_COOKIE, identifier, Math.floor(policy.absoluteLifetimeMs / 1000))],
    });
  } catch (error) {
    return rejectionResponse(error, request, config, spent);
  }
}

async function transactionFor(request: HttpRequest, deps: Dependencies, state: string | null): Promise<LoginTransaction> {
  if (!state) throw new LoginRejected('state_missing');
  if (!isRandomToken(state)) throw new LoginRejected('state_invalid');
  const sealed = request.cookies.get(transactionCookieName(state));
  if (!sealed) {
    const anyTransaction = [...request.cookies.keys()].some(isTransactionCookie);
    throw new LoginRejected(anyTransaction ? 'state_mismatch' : 'transaction_missing');
  }
  const transaction = await openTransaction(sealed, await purposeKeys(deps, 'transaction-cookie'));
  if (!constantTimeEqual(transaction.state, state)) throw new LoginRejected('state_mismatch');
  return transaction;
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
