/** Google's Security Token Service (Workload Identity Federation's token exchange) as an emulator module. */
import type { EmulatorModule } from '../module.js';
import { stsRoutes } from './routes.js';

export const stsModule: EmulatorModule = {
  name: 'sts',
  routes: ({ workloadIdentity: pool, tokens, now }) => stsRoutes({ pool, tokens, now }),
};
