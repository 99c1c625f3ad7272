/**
 * Limits and faults, as Google imposes them on API calls: a latency per request, a per-user
 * per-minute quota (403 userRateLimitExceeded), a per-tenant one (429 rateLimitExceeded), and a
 * random 500/503 rate — each answer in Google's error JSON with Retry-After. Settable at start and
 * at run time. Token, OpenID and emulator-admin routes are exempt, so a test can always sign in.
 */
import { GoogleApiError, type EmulatorRequest, type EmulatorResponse } from './http.js';
import type { TokenRegistry } from './oauth/tokens.js';
import type { Gate } from './server.js';

export interface Limits {
  /** Added before every API and OAuth answer. */
  readonly latencyMs: number;
  /** Requests per minute per user (the token's subject); 0 = unlimited. */
  readonly userQuotaPerMinute: number;
  /** Requests per minute for the whole tenant; 0 = unlimited. */
  readonly tenantQuotaPerMinute: number;
  /** Share of API requests answered 500 or 503, from 0 to 1. */
  readonly errorRate: number;
}

export const NO_LIMITS: Limits = { latencyMs: 0, userQuotaPerMinute: 0, tenantQuotaPerMinute: 0, errorRate: 0 };

const MINUTE = 60_000;

export class LimitsGate {
  private current: Limits;
  private window = -1;
  private tenantCount = 0;
  private readonly userCounts = new Map<string, number>();

  constructor(
    initial: Partial<Limits>,
    private readonly tokens: TokenRegistry,
    private readonly now: () => number,
    /** Uniform in [0, 1): seeded, so a fault sequence repeats for a seed. */
    private readonly random: () => number,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((ok) => setTimeout(ok, ms)),
  ) {
    this.current = validateLimits({ ...NO_LIMITS, ...initial });
  }

  get limits(): Limits {
    return this.current;
  }

  set(changes: Partial<Limits>): Limits {
    this.current = validateLimits({ ...this.current, ...changes });
    return this.current;
  }

  readonly gate: Gate = async (route, request) => {
    const kind = route.kind ?? 'api';
    if (kind === 'admin') return undefined;
    if (this.current.latencyMs > 0) await this.sleep(this.current.latencyMs);
    return kind === 'api' ? this.apiLimits(request) : undefined;
  };

  private apiLimits(request: EmulatorRequest): EmulatorResponse | undefined {
    const { errorRate, userQuotaPerMinute, tenantQuotaPerMinute } = this.current;
    if (errorRate > 0 && this.random() < errorRate) {
      const unavailable = this.random() < 0.5;
      return new GoogleApiError(
        unavailable ? 503 : 500,
        'backendError',
        unavailable ? 'The service is currently unavailable.' : 'Internal error encountered.',
        { 'retry-after': '1' },
      ).toResponse();
    }
    if (userQuotaPerMinute === 0 && tenantQuotaPerMinute === 0) return undefined;
    const subject = this.subject(request);
    if (subject === undefined) return undefined; // the route answers 401 itself
    const now = this.now();
    const window = Math.floor(now / MINUTE);
    if (window !== this.window) {
      this.window = window;
      this.tenantCount = 0;
      this.userCounts.clear();
    }
    const retryAfter = { 'retry-after': String(Math.max(1, Math.ceil(((window + 1) * MINUTE - now) / 1000))) };
    const userCount = (this.userCounts.get(subject) ?? 0) + 1;
    this.userCounts.set(subject, userCount);
    if (userQuotaPerMinute > 0 && userCount > userQuotaPerMinute) {
      return quotaExceeded(403, 'userRateLimitExceeded', 'Queries per minute per user', retryAfter);
    }
    this.tenantCount++;
    if (tenantQuotaPerMinute > 0 && this.tenantCount > tenantQuotaPerMinute) {
      return quotaExceeded(429, 'rateLimitExceeded', 'Queries per minute', retryAfter);
    }
    return undefined;
  }

  /** Who the quota is counted for: the user the token acts as, else the service account. */
  private subject(request: EmulatorRequest): string | undefined {
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const grant = token ? this.tokens.accessGrant(token) : undefined;
    return grant ? (grant.email ?? grant.serviceAccount ?? grant.clientId) : undefined;
  }
}

const PROJECT_NUMBER = '123456789012';

/** Google's answer past a per-minute quota: the same wording for the per-user and the per-tenant limit. */
function quotaExceeded(status: number, reason: string, limit: string, retryAfter: Record<string, string>): EmulatorResponse {
  return new GoogleApiError(
    status,
    reason,
    `Quota exceeded for quota metric 'Queries' and limit '${limit}' of service 'admin.googleapis.com' for ` +
      `consumer 'project_number:${PROJECT_NUMBER}'.`,
    retryAfter,
    'usageLimits',
  ).toResponse();
}

export class LimitsError extends Error {
  override name = 'LimitsError';
}

export function validateLimits(limits: Limits): Limits {
  const { latencyMs, userQuotaPerMinute, tenantQuotaPerMinute, errorRate } = limits;
  const count = (name: string, value: number, max: number) => {
    if (!Number.isInteger(value) || value < 0 || value > max) throw new LimitsError(`${name} must be an integer from 0 to ${max}.`);
  };
  count('latencyMs', latencyMs, 60_000);
  count('userQuotaPerMinute', userQuotaPerMinute, 10_000_000);
  count('tenantQuotaPerMinute', tenantQuotaPerMinute, 10_000_000);
  if (typeof errorRate !== 'number' || !(errorRate >= 0 && errorRate <= 1))
    throw new LimitsError('errorRate must be a number from 0 to 1.');
  return { latencyMs, userQuotaPerMinute, tenantQuotaPerMinute, errorRate };
}
