import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretNotFoundError, type SecretStore } from './secret-store.js';

/** How long a warm function reuses a value by default (KEY_ACTIVATION_DELAY_MS in key-ring.ts must outlast it). */
export const SECRET_CACHE_SECONDS = 300;

export interface AwsSecretStoreOptions {
  /** How long a warm Lambda reuses a value before asking again; short enough that a rotation is seen within minutes. */
  readonly maxAgeSeconds?: number;
  readonly client?: SecretsManagerClient;
}

/**
 * Secrets Manager through Powertools' SecretsProvider: one GetSecretValue per secret per
 * `maxAgeSeconds` in a warm function, so rotation is picked up without a redeploy.
 */
export class AwsSecretStore implements SecretStore {
  private readonly provider: SecretsProvider;
  private readonly maxAge: number;

  constructor(options: AwsSecretStoreOptions = {}) {
    this.provider = new SecretsProvider(options.client ? { awsSdkV3Client: options.client } : {});
    this.maxAge = options.maxAgeSeconds ?? SECRET_CACHE_SECONDS;
  }

  async get(name: string, options: { readonly fresh?: boolean } = {}): Promise<string> {
    const value = await this.provider.get(name, { maxAge: this.maxAge, forceFetch: options.fresh === true });
    if (typeof value !== 'string' || value.trim() === '') {
      throw new SecretNotFoundError(name, 'put its value in AWS Secrets Manager (see the deploy guide, docs/deploy.md).');
    }
    return value;
  }
}
