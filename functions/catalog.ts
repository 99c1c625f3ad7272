import { PUSH_RECEIVER_PATH } from '../shared/config/config.js';

/**
 * Which function serves which paths: read by the CDK stack (one CloudFront behavior per pattern,
 * in this order) and by the local host (first matching pattern wins, as in CloudFront), so the two
 * route identically. Patterns use CloudFront's syntax: `*` matches any characters.
 */
export interface HttpFunction {
  /** Logical name; also the CDK construct id stem. */
  readonly name: string;
  /** Entry file relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly pathPatterns: readonly string[];
  /** Lambda memory in MB (CPU scales with it); the stack's default when absent. */
  readonly memorySize?: number;
  /**
   * Google's push notification receiver: deployed only with push on, and reached without origin
   * access control (Google cannot sign its POST bodies for it) but with a secret origin header
   * CloudFront adds and the receiver checks (docs/sync.md, "Receiver placement").
   */
  readonly googlePush?: true;
}

export const HTTP_FUNCTIONS: readonly HttpFunction[] = [
  // Sign-in first: CloudFront takes the first matching behavior, so /auth/login and /auth/callback precede /auth/*.
  { name: 'auth-login', entry: 'functions/auth-login.ts', pathPatterns: ['/auth/login'] },
  { name: 'auth-callback', entry: 'functions/auth-callback.ts', pathPatterns: ['/auth/callback'] },
  { name: 'auth-session', entry: 'functions/auth-session.ts', pathPatterns: ['/auth/*'] },
  // 1769 MB is one full vCPU: a cold container loads the people search index (~0.5 s of CPU at 100k users) before its first search.
  { name: 'api', entry: 'functions/api.ts', pathPatterns: ['/api/*'], memorySize: 1769 },
  // Google's push notifications: its own function, so a flood is capped by its own reserved concurrency (docs/sync.md, push-driven sync).
  { name: 'push-receiver', entry: 'functions/push-receiver.ts', pathPatterns: [PUSH_RECEIVER_PATH], googlePush: true },
];

/** CloudFront path-pattern semantics: `*` any run of characters, `?` one; case-sensitive. */
export function matchesPathPattern(pattern: string, path: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(path);
}

export function functionForPath(path: string): HttpFunction | undefined {
  for (const fn of HTTP_FUNCTIONS) if (fn.pathPatterns.some((p) => matchesPathPattern(p, path))) return fn;
  return undefined;
}
