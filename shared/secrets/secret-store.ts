/**
 * The secret-store port: functions ask for a secret by name and get its current string value.
 * Implementations: AwsSecretStore (Secrets Manager, cached per warm Lambda) and, for local runs,
 * LocalSecretStore in local/ (files under .local/secrets/).
 */
export interface SecretStore {
  /** The secret's current value; throws SecretNotFoundError when it does not exist or is empty. */
  get(name: string): Promise<string>;
}

export class SecretNotFoundError extends Error {
  override name = 'SecretNotFoundError';
  constructor(readonly secretName: string, hint: string) {
    super(`Secret ${secretName} is missing or empty: ${hint}`);
  }
}
