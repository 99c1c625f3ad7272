/**
 * The secret-store port: functions ask for a secret by name and get its current string value.
 * Implementations: AwsSecretStore (Secrets Manager, cached per warm Lambda) and, for local runs,
 * LocalSecretStore in local/ (files under .local/secrets/).
 */
export interface SecretStore {
  /**
   * The secret's current value; throws SecretNotFoundError when it does not exist or is empty.
   * `fresh` bypasses any cache: for a reader that met a key id its cached value does not list.
   */
  get(name: string, options?: { readonly fresh?: boolean }): Promise<string>;
}

export class SecretNotFoundError extends Error {
  override name = 'SecretNotFoundError';
  constructor(
    readonly secretName: string,
    hint: string,
  ) {
    super(`Secret ${secretName} is missing or empty: ${hint}`);
  }
}
