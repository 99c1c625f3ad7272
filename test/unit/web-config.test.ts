import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../shared/config/config.js';
import { webConfig } from '../../shared/routes/config.js';

describe('the web client runtime config', () => {
  it('points the browser at the emulator locally', () => {
    const config = webConfig(
      loadConfig({ RUNTIME_MODE: 'local', OIDC_ISSUER: 'http://localhost:4123', GOOGLE_API_ROOT: 'http://localhost:4123' }),
    );
    expect(config).toEqual({
      clientId: 'workspace-bridge-local.apps.googleusercontent.com',
      gsiScriptUrl: 'http://localhost:4123/gsi/client',
      googleApis: {
        gmail: 'http://localhost:4123/gmail/v1/',
        drive: 'http://localhost:4123/drive/v3/',
        calendar: 'http://localhost:4123/calendar/v3/',
      },
      enabledIntegrations: ['gmail', 'drive', 'calendar'],
    });
  });

  it("points the browser at Google's hosts in AWS", () => {
    const config = webConfig(
      loadConfig({
        RUNTIME_MODE: 'aws',
        APP_ORIGIN: 'https://intranet.example.com',
        GOOGLE_CLIENT_ID: 'x.apps.googleusercontent.com',
        ALLOWED_DOMAINS: 'example.com',
        GOOGLE_ADMIN_SUBJECT: 'admin@example.com',
        TABLE_NAME: 't',
        ENABLED_INTEGRATIONS: 'calendar,gmail',
      }),
    );
    expect(config.gsiScriptUrl).toBe('https://accounts.google.com/gsi/client');
    expect(config.googleApis).toEqual({
      gmail: 'https://gmail.googleapis.com/gmail/v1/',
      drive: 'https://www.googleapis.com/drive/v3/',
      calendar: 'https://www.googleapis.com/calendar/v3/',
    });
    expect(config.enabledIntegrations).toEqual(['calendar', 'gmail']);
  });

  it('accepts "none" and rejects unknown integrations with the key named', () => {
    expect(loadConfig({ RUNTIME_MODE: 'local', ENABLED_INTEGRATIONS: 'none' }).enabledIntegrations).toEqual([]);
    expect(() => loadConfig({ RUNTIME_MODE: 'local', ENABLED_INTEGRATIONS: 'gmail,photos' })).toThrow(ConfigError);
    expect(() => loadConfig({ RUNTIME_MODE: 'local', ENABLED_INTEGRATIONS: 'gmail,photos' })).toThrow(/ENABLED_INTEGRATIONS/);
  });
});
