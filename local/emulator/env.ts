/**
 * The emulator's own settings from GOOGLE_EMULATOR_* environment keys (local only, so not part of
 * shared/config). A bad value stops start-up with one line naming the key, like the app's config.
 */
import { ConfigError } from '../../shared/config/config.js';
import { localBindAddress } from '../bind-address.js';
import { DEFAULT_EMULATOR_PORT, type EmulatorOptions } from './emulator.js';
import type { Limits } from './limits.js';
import { DEFAULT_PUSH_SETTINGS } from './push/hub.js';
import { DEMO_SEED } from './seed/directory.js';

type Env = Readonly<Record<string, string | undefined>>;

export const MAX_USERS = 100_000;
export const MAX_GROUPS = 20_000;

export function emulatorOptionsFromEnv(env: Env = process.env): EmulatorOptions {
  return {
    port: integer(env, 'GOOGLE_EMULATOR_PORT', DEFAULT_EMULATOR_PORT, 0, 65535),
    host: localBindAddress(env),
    seed: env.GOOGLE_EMULATOR_SEED?.trim() || DEMO_SEED.seed,
    users: integer(env, 'GOOGLE_EMULATOR_USERS', DEMO_SEED.users, 1, MAX_USERS),
    groups: integer(env, 'GOOGLE_EMULATOR_GROUPS', DEMO_SEED.groups, 0, MAX_GROUPS),
    limits: {
      latencyMs: integer(env, 'GOOGLE_EMULATOR_LATENCY_MS', 0, 0, 60_000),
      ...quotas(env),
      errorRate: rate(env, 'GOOGLE_EMULATOR_ERROR_RATE'),
    },
    // The app's own credential mode (shared/config): keyless, the service account has no key to write.
    writeServiceAccountKey: env.GOOGLE_CREDENTIALS?.trim() !== 'workload-identity',
    push: {
      auditLagMs: integer(env, 'GOOGLE_EMULATOR_AUDIT_LAG_MS', DEFAULT_PUSH_SETTINGS.auditLagMs, 0, 3_600_000),
      maxChannelTtlMs:
        integer(env, 'GOOGLE_EMULATOR_CHANNEL_TTL_SECONDS', DEFAULT_PUSH_SETTINGS.maxChannelTtlMs / 1000, 1, 7 * 86_400) * 1000,
      dropRate: rate(env, 'GOOGLE_EMULATOR_PUSH_DROP_RATE'),
      duplicateRate: rate(env, 'GOOGLE_EMULATOR_PUSH_DUPLICATE_RATE'),
      jitterMs: integer(env, 'GOOGLE_EMULATOR_PUSH_JITTER_MS', 0, 0, 60_000),
    },
  };
}

/** `2400` (per user) or `2400/12000` (per user / per tenant); 0 or unset: unlimited. */
function quotas(env: Env): Pick<Limits, 'userQuotaPerMinute' | 'tenantQuotaPerMinute'> {
  const key = 'GOOGLE_EMULATOR_QUOTA_PER_MINUTE';
  const raw = env[key]?.trim();
  if (!raw) return { userQuotaPerMinute: 0, tenantQuotaPerMinute: 0 };
  const match = /^(\d+)(?:\/(\d+))?$/.exec(raw);
  if (!match) throw new ConfigError(key, 'requests per minute per user, optionally /per tenant (e.g. 2400 or 2400/12000)', raw);
  return { userQuotaPerMinute: Number(match[1]), tenantQuotaPerMinute: Number(match[2] ?? 0) };
}

function rate(env: Env, key: string): number {
  const raw = env[key]?.trim();
  if (!raw) return 0;
  const n = Number(raw);
  if (!(n >= 0 && n <= 1)) throw new ConfigError(key, 'a share from 0 to 1 (e.g. 0.05)', raw);
  return n;
}

function integer(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(key, `an integer from ${min} to ${max}`, raw);
  return n;
}
