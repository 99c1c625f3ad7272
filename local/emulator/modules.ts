/**
 * Every Google API the emulator answers, one module each (the contract is in module.ts).
 * Adding an API is one line here.
 */
import { calendarModule } from './calendar/routes.js';
import { directoryModule } from './directory/routes.js';
import { directoryWriteModule } from './directory/write.js';
import { driveModule } from './drive/routes.js';
import { gmailModule } from './gmail/routes.js';
import { gsiModule } from './gsi/routes.js';
import { iamCredentialsModule } from './iam-credentials/module.js';
import type { EmulatorModule } from './module.js';
import { oauthModule } from './oauth/module.js';
import { photosModule } from './photos/module.js';
import { pushModule } from './push/routes.js';
import { stsModule } from './sts/module.js';

export const EMULATOR_MODULES: readonly EmulatorModule[] = [
  oauthModule,
  directoryModule,
  directoryWriteModule,
  pushModule,
  gmailModule,
  driveModule,
  calendarModule,
  gsiModule,
  stsModule,
  iamCredentialsModule,
  photosModule,
];
