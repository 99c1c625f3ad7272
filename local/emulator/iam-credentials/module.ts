/** The IAM Service Account Credentials API (signJwt for a federated identity) as an emulator module. */
import type { EmulatorModule } from '../module.js';
import { iamCredentialsRoutes } from './routes.js';

export const iamCredentialsModule: EmulatorModule = {
  name: 'iamcredentials',
  routes: ({ workloadIdentity: pool, serviceAccount, tokens }) => iamCredentialsRoutes({ pool, serviceAccount, tokens }),
};
