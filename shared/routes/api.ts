import type { AppRoute } from '../http/wrappers.js';
import { accessRoutes } from './access.js';
import { adminRoutes } from './admin.js';
import { webConfigRoute } from './config.js';
import { groupRoutes } from './groups.js';
import { healthRoute } from './health.js';
import { accountRoutes } from './me.js';
import { peopleRoutes } from './people.js';

/** Every route of the API function: the router serves them, and a test holds docs/openapi.json to them. */
export const API_ROUTES: readonly AppRoute[] = [
  healthRoute,
  webConfigRoute,
  ...accountRoutes,
  ...peopleRoutes,
  ...groupRoutes,
  ...accessRoutes,
  ...adminRoutes,
];
