import type { Dependencies } from '../../runtime/dependencies.js';

/** The OAuth client secret: from configuration locally, from the secret store in AWS (cached there). */
export async function clientSecret(deps: Pick<Dependencies, 'config' | 'secrets'>): Promise<string> {
  return deps.config.googleClientSecret ?? (await deps.secrets.get(deps.config.secretNames.googleClientSecret)).trim();
}
