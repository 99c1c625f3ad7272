import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SecretNotFoundError, type SecretStore } from '../../shared/adapters/secrets/secret-store.js';

/** How to create a secret's first value, or where another local process writes it. */
export type LocalSecretSource =
  { readonly generate: () => string } | { readonly file: string; readonly hint: string; readonly adapt?: (value: string) => string };

/**
 * Secrets as files under `.local/secrets/` (mode 0600), created on first use from a generator,
 * or read from a file another local process writes (the emulator's service-account key).
 */
export class LocalSecretStore implements SecretStore {
  constructor(
    private readonly directory: string,
    private readonly sources: Readonly<Record<string, LocalSecretSource>>,
  ) {}

  async get(name: string): Promise<string> {
    const source = this.sources[name];
    if (source && 'file' in source) {
      const value = await this.readExisting(name, source.file, source.hint);
      return source.adapt ? source.adapt(value) : value;
    }
    const path = join(this.directory, encodeURIComponent(name));
    if (!existsSync(path)) {
      if (!source) throw new SecretNotFoundError(name, `create ${path} (no generator is known for it).`);
      await mkdir(this.directory, { recursive: true, mode: 0o700 });
      await writeFile(path, source.generate(), { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error; // another process created it first: use theirs
      });
      await chmod(path, 0o600);
    }
    return this.readExisting(name, path, `delete ${path} to have it created again.`);
  }

  private async readExisting(name: string, path: string, hint: string): Promise<string> {
    const value = await readFile(path, 'utf8').catch(() => '');
    if (value.trim() === '') throw new SecretNotFoundError(name, hint);
    return value;
  }
}
