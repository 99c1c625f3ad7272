/** What every page gets: the runtime config, the signed-in user, the Google token holder and preferences. */
import type { Me, WebConfig, Integration } from './api/types.js';
import type { GoogleAccess } from './google/access.js';

export interface App {
  readonly config: WebConfig;
  readonly me: Me;
  readonly access: GoogleAccess;
  readonly prefs: IntegrationPrefs;
}

/** Aborted when the page is replaced: pages and widgets stop listening to the app then. */
export type PageLifetime = AbortSignal;

/** Subscribes for the page's lifetime. */
export function whileShown(lifetime: PageLifetime, ...subscriptions: Array<() => void>): void {
  lifetime.addEventListener('abort', () => subscriptions.forEach((stop) => stop()), { once: true });
}

/**
 * Which integrations this user turned on. Kept in localStorage (a preference, never a token) per
 * user, so a shared computer does not carry one user's choice to the next.
 */
export class IntegrationPrefs {
  private readonly key: string;
  private readonly listeners = new Set<() => void>();
  constructor(
    userId: string,
    private readonly available: readonly Integration[],
  ) {
    this.key = `wb:integrations:${userId}`;
  }

  isOn(integration: Integration): boolean {
    return this.available.includes(integration) && this.read().includes(integration);
  }

  on(): Integration[] {
    return this.available.filter((i) => this.isOn(i));
  }

  set(integration: Integration, on: boolean): void {
    const next = new Set(this.read());
    if (on) next.add(integration);
    else next.delete(integration);
    localStorage.setItem(this.key, JSON.stringify([...next]));
    for (const listener of this.listeners) listener();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private read(): string[] {
    try {
      const value: unknown = JSON.parse(localStorage.getItem(this.key) ?? '[]');
      return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    } catch {
      return [];
    }
  }
}

export const INTEGRATION_NAMES: Readonly<Record<Integration, string>> = { gmail: 'Mail', drive: 'Drive', calendar: 'Calendar' };
