import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/config.js';
import { sessionPolicy } from '../../shared/adapters/dynamodb/sessions.js';

describe('sign-in configuration', () => {
  it('defaults to 8 h idle, 7 days absolute, no unsynced sign-in, all integrations', () => {
    const config = loadConfig({ RUNTIME_MODE: 'local' });
    expect(config).toMatchObject({
      sessionIdleTimeoutMinutes: 480,
      sessionAbsoluteLifetimeHours: 168,
      enabledIntegrations: ['gmail', 'drive', 'calendar'],
    });
    expect(sessionPolicy(config)).toEqual({ idleTimeoutMs: 8 * 3_600_000, absoluteLifetimeMs: 7 * 24 * 3_600_000 });
  });

  it('reads the switches and lists', () => {
    const config = loadConfig({
      RUNTIME_MODE: 'local',
      ENABLED_INTEGRATIONS: ' Drive, gmail,drive ',
      SESSION_IDLE_TIMEOUT_MINUTES: '30',
      SESSION_ABSOLUTE_LIFETIME_HOURS: '12',
    });
    expect(config).toMatchObject({
      enabledIntegrations: ['drive', 'gmail'],
      sessionIdleTimeoutMinutes: 30,
      sessionAbsoluteLifetimeHours: 12,
    });
    expect(loadConfig({ RUNTIME_MODE: 'local', ENABLED_INTEGRATIONS: 'none' }).enabledIntegrations).toEqual([]);
  });

  it.each([
    ['ENABLED_INTEGRATIONS', 'gmail,photos', /ENABLED_INTEGRATIONS is invalid .*gmail, drive, calendar/],
    ['SESSION_IDLE_TIMEOUT_MINUTES', '2', /SESSION_IDLE_TIMEOUT_MINUTES is invalid .*from 5 to 1440/],
    ['SESSION_ABSOLUTE_LIFETIME_HOURS', '0', /SESSION_ABSOLUTE_LIFETIME_HOURS is invalid/],
  ])('rejects an invalid %s in one line', (key, value, message) => {
    expect(() => loadConfig({ RUNTIME_MODE: 'local', [key]: value })).toThrow(message);
  });
});
