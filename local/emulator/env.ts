/**
 * The emulator's own settings from GOOGLE_EMULATOR_* environment keys (local only, so not part of
 * shared/config). A bad value stops start-up with one line naming the key, like the app's config.
 */
import { ConfigError } from '../../shared/config/config.js';
import { DEFAULT_EMULATOR_PORT, type EmulatorOptions } from './emulator.js';
import { DEMO_SEED } from './seed/directory.js';

type Env = Readonly<Record<string, string | undefined>>;

export const MAX_USERS = 100_000;
export const MAX_GROUPS = 20_000;

export function emulatorOptionsFromEnv(env: Env = process.env): EmulatorOptions {
  return {
    port: integer(env, 'GOOGLE_EMULATOR_PORT', DEFAULT_EMULATOR_PORT, 0, 65535),
    seed: env.GOOGLE_EMULATOR_SEED?.trim() || DEMO_SEED.seed,
    users: integer(env, 'GOOGLE_EMULATOR_USERS', DEMO_SEED.users, 1, MAX_USERS),
    groups: integer(env, 'GOOGLE_EMULATOR_GROUPS', DEMO_SEED.groups, 0, MAX_GROUPS),
  };
}

export function integer(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(key, `an integer from ${min} to ${max}`, raw);
  return n;
}
