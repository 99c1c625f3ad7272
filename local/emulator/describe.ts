/** The lines `npm run emulator` and `npm start` print: where the emulator is, the admin, a few demo users. */
import { relative } from 'node:path';
import type { Emulator } from './emulator.js';
import type { Limits } from './limits.js';
import { PRIMARY_DOMAIN, SECONDARY_DOMAIN } from './seed/directory.js';

export function describeEmulator(emulator: Emulator): string[] {
  const { directory } = emulator;
  const active = directory.users.filter(
    (u) => !u.isAdmin && !u.suspended && !u.archived && !u.deletionTime && u.includeInGlobalAddressList,
  );
  const demo = [
    ...active.filter((u) => u.primaryEmail.endsWith(`@${PRIMARY_DOMAIN}`)).slice(0, 3),
    ...active.filter((u) => u.primaryEmail.endsWith(`@${SECONDARY_DOMAIN}`)).slice(0, 1),
  ];
  return [
    `Google emulator   ${emulator.origin}  (discovery ${emulator.issuer}/.well-known/openid-configuration)`,
    `  tenant          ${directory.users.length} users, ${directory.groups.length} groups, domains ${directory.domains.map((d) => d.domainName).join(', ')}`,
    `  admin: ${directory.admin.primaryEmail}`,
    `  demo users: ${demo.map((u) => `${u.primaryEmail} (${u.name.fullName})`).join(', ')}`,
    ...limitsLine(emulator.limits()),
    emulator.serviceAccountKeyWritten
      ? `  service account ${relative(process.cwd(), emulator.serviceAccountKeyPath) || emulator.serviceAccountKeyPath}`
      : `  service account ${emulator.serviceAccountKey.client_email}, keyless: STS ${emulator.origin}/v1/token admits ` +
        `${emulator.workloadIdentity.settings.admittedRoles.join(', ')}`,
  ];
}

function limitsLine(limits: Limits): string[] {
  const parts = [
    limits.latencyMs > 0 ? `latency ${limits.latencyMs} ms` : '',
    limits.userQuotaPerMinute > 0 ? `${limits.userQuotaPerMinute}/min per user (403)` : '',
    limits.tenantQuotaPerMinute > 0 ? `${limits.tenantQuotaPerMinute}/min per tenant (429)` : '',
    limits.errorRate > 0 ? `${limits.errorRate * 100}% 500/503` : '',
  ].filter(Boolean);
  return parts.length > 0 ? [`  limits          ${parts.join(', ')}`] : [];
}
