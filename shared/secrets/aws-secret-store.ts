import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretNotFoundError, type SecretStore } from './secret-store.js';

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
    this.maxAge = options.maxAgeSeconds ?? 300;
  }

  async get(name: string): Promise<string> {
    const value = await this.provider.get(name, { maxAge: this.maxAge });
    if (typeof value !== 'string' || value.trim() === '') {
      throw new SecretNotFoundError(name, 'put its value in AWS Secrets Manager (see the deploy guide in README.md).');
    }
    return value;
  }
}
