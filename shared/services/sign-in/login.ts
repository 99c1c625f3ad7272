import { redirect, type HttpRequest, type HttpResponse } from '../../http/http.js';
import type { Dependencies } from '../../runtime/dependencies.js';
import { clearCookie, isTransactionCookie, setCookie, transactionCookieName } from '../../http/cookies.js';
import { purposeKeys } from '../purpose-keys.js';
import { authorizationUrl, discover, pkcePair, randomToken } from '../../adapters/google/oidc-client.js';
import { rejectionResponse } from './rejection.js';
import { parseReturnTo } from '../../domain/auth/return-to.js';
import { sealTransaction, TRANSACTION_TTL_SECONDS, transactionsToEvict } from '../../domain/auth/transaction-cookie.js';

export function redirectUri(appOrigin: string): string {
  return `${appOrigin}/auth/callback`;
}

/**
 * GET /auth/login?returnTo=/path: starts the authorization code flow with state, nonce and PKCE
 * (S256), remembered in this transaction's own encrypted cookie, and sends the browser to the
 * issuer's account chooser. The browser's oldest transactions beyond a few are deleted.
 */
export async function startLogin(request: HttpRequest, deps: Dependencies): Promise<HttpResponse> {
  const { config } = deps;
  try {
    const returnTo = parseReturnTo(request.query.get('returnTo'), config.appOrigin);
    const provider = await discover(config.oidcIssuer);
    const state = randomToken();
    const nonce = randomToken();
    const pkce = pkcePair();
    const sealed = await sealTransaction(
      { state, nonce, codeVerifier: pkce.verifier, returnTo },
      await purposeKeys(deps, 'transaction-cookie'),
    );
    const location = authorizationUrl(provider, {
      clientId: config.googleClientId,
      redirectUri: redirectUri(config.appOrigin),
      state,
      nonce,
      codeChallenge: pkce.challenge,
      ...(config.allowedDomains.length === 1 ? { hostedDomain: config.allowedDomains[0] } : {}),
    });
    const evicted = transactionsToEvict([...request.cookies].filter(([name]) => isTransactionCookie(name)));
    return redirect(location.href, {
      cookies: [...evicted.map(clearCookie), setCookie(transactionCookieName(state), sealed, TRANSACTION_TTL_SECONDS)],
    });
  } catch (error) {
    return rejectionResponse(error, request, config);
  }
}
