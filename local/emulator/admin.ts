/**
 * The emulator-only admin API under `/__emulator/` (JSON): change limits and faults, read and reset
 * per-method counters, rotate the signing key, change the delegation grant, list issued tokens.
 * For benchmarks and tests in another process (in-process tests call the Emulator object); no CORS,
 * so web pages cannot use it.
 */
import { ADMIN_PATH_PREFIX, GoogleApiError, json, type EmulatorRequest, type EmulatorRoute } from './http.js';
import { LimitsError, type Limits } from './limits.js';

export interface AdminDeps {
  limits(): Limits;
  setLimits(changes: Partial<Limits>): Limits;
  counters(): Record<string, number>;
  resetCounters(): void;
  rotateSigningKey(): Promise<string>;
  delegatedScopes(): readonly string[];
  setDelegatedScopes(scopes: readonly string[]): void;
  issuedTokens(): readonly string[];
}

export function adminRoutes(deps: AdminDeps): EmulatorRoute[] {
  const route = (method: EmulatorRoute['method'], path: string, handler: EmulatorRoute['handler']): EmulatorRoute => ({
    method,
    path: `${ADMIN_PATH_PREFIX}${path}`,
    name: `emulator.${path.replace(/\W+/g, '.')}.${method.toLowerCase()}`,
    kind: 'admin',
    handler,
  });
  return [
    route('GET', 'limits', () => json(200, deps.limits())),
    route('PUT', 'limits', (r) => {
      try {
        return json(200, deps.setLimits(jsonObject(r) as Partial<Limits>));
      } catch (error) {
        if (error instanceof LimitsError) throw new GoogleApiError(400, 'invalid', error.message);
        throw error;
      }
    }),
    route('GET', 'counters', () => json(200, deps.counters())),
    route('DELETE', 'counters', () => {
      deps.resetCounters();
      return json(200, {});
    }),
    route('POST', 'signing-keys/rotate', async () => json(200, { kid: await deps.rotateSigningKey() })),
    route('GET', 'delegation', () => json(200, { scopes: deps.delegatedScopes() })),
    route('PUT', 'delegation', (r) => {
      const { scopes } = jsonObject(r) as { scopes?: unknown };
      if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string'))
        throw new GoogleApiError(400, 'invalid', 'Send {"scopes": [string, …]}.');
      deps.setDelegatedScopes(scopes as string[]);
      return json(200, { scopes: deps.delegatedScopes() });
    }),
    route('GET', 'issued-tokens', () => json(200, { tokens: deps.issuedTokens() })),
  ];
}

function jsonObject(request: EmulatorRequest): Record<string, unknown> {
  try {
    const value = JSON.parse(request.body) as unknown;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new GoogleApiError(400, 'parseError', 'Send a JSON object.');
}
