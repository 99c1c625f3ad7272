/**
 * The Google parts the browser talks to: Gmail, Drive and Calendar (the methods the web client
 * uses) and Google Identity Services' token model. startEmulator registers them with the core APIs.
 */
import { calendarRoutes } from './calendar/routes.js';
import { driveRoutes } from './drive/routes.js';
import type { EmulatorModule } from './emulator.js';
import { gmailRoutes } from './gmail/routes.js';
import { gsiRoutes } from './gsi/routes.js';

export const BROWSER_API_MODULES: readonly EmulatorModule[] = [gmailRoutes, driveRoutes, calendarRoutes, gsiRoutes];
