import type { CfnElement } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { readInfraConfig, type ContextKey } from '../../infra/config.js';
import { FULL_CONTEXT, resourcesOf, synthesize, type Synthesized } from './support.js';

type Json = Record<string, unknown>;

const KEYLESS = {
  ...FULL_CONTEXT,
  googleCredentials: 'workload-identity',
  googleWorkloadIdentityProvider: 'projects/123456789012/locations/global/workloadIdentityPools/workspace-bridge/providers/aws-sync',
  googleServiceAccount: 'directory-sync@wb-prod.iam.gserviceaccount.com',
};

/** Keyless deployments (googleCredentials=workload-identity): no Google key secret exists, and no function may read one. */
describe('keyless deployment', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize({ context: KEYLESS });
  });

  const stacks = () => {
    const { data, push, api, sync, web, monitoring } = synthesized.bridge;
    return [data, push!, api!, sync!, web!, monitoring].filter(Boolean);
  };

  it("creates no secret for a Google key: only the key ring, the OAuth client secret and push's generated origin secret", () => {
    const names = stacks().flatMap((stack) =>
      Object.values(resourcesOf(synthesized.template(stack), 'AWS::SecretsManager::Secret')).map((r) => (r.Properties as Json).Name),
    );
    // The origin secret has no name: nobody puts or reads it but CloudFormation.
    expect(names.sort()).toEqual(['workspace-bridge/google-client-secret', 'workspace-bridge/session-keys', undefined]);
  });

  it('tells no function of a key secret; the sync gets the provider and the service account', () => {
    const functions = stacks().flatMap((stack) => Object.values(resourcesOf(synthesized.template(stack), 'AWS::Lambda::Function')));
    expect(functions.length).toBeGreaterThan(3);
    for (const fn of functions) expect(JSON.stringify(fn.Properties)).not.toContain('SERVICE_ACCOUNT_SECRET_NAME');
    const sync = Object.values(resourcesOf(synthesized.template(synthesized.bridge.sync!), 'AWS::Lambda::Function')).find(
      (fn) => (fn.Properties as Json).FunctionName === 'WorkspaceBridge-Sync-sync',
    )!;
    expect(((sync.Properties as Json).Environment as { Variables: Json }).Variables).toMatchObject({
      GOOGLE_CREDENTIALS: 'workload-identity',
      GOOGLE_WORKLOAD_IDENTITY_PROVIDER: KEYLESS.googleWorkloadIdentityProvider,
      GOOGLE_SERVICE_ACCOUNT: KEYLESS.googleServiceAccount,
    });
  });

  it('gives the sync role no Secrets Manager permission at all, and names the role for the provider condition', () => {
    const template = synthesized.template(synthesized.bridge.sync!);
    const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy'));
    expect(policies.length).toBeGreaterThan(0);
    expect(JSON.stringify(policies)).not.toContain('secretsmanager:');
    expect(Object.keys(template.toJSON().Outputs as Json)).toContain('SyncRoleName');
  });

  it('gives the push worker and channel manager (they call Google too) no Secrets Manager permission, and names their roles', () => {
    const template = synthesized.template(synthesized.bridge.push!);
    const { worker, channels } = synthesized.bridge.push!;
    for (const role of [worker.role, channels.manager.role]) {
      const id = synthesized.bridge.push!.getLogicalId(role.node.defaultChild as CfnElement);
      const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) =>
        JSON.stringify((p.Properties as Json).Roles).includes(id),
      );
      expect(policies.length).toBeGreaterThan(0);
      expect(JSON.stringify(policies)).not.toContain('secretsmanager:');
    }
    expect(Object.keys(template.toJSON().Outputs as Json)).toEqual(expect.arrayContaining(['PushWorkerRoleName', 'PushChannelsRoleName']));
  });

  it('refuses keyless settings that cannot work, naming the context key', () => {
    const read = (context: Record<string, string>) =>
      readInfraConfig((key: ContextKey) => (({ ...FULL_CONTEXT, ...context }) as Record<string, unknown>)[key]);
    expect(() => read({ googleCredentials: 'workload-identity', googleServiceAccount: KEYLESS.googleServiceAccount })).toThrow(
      /"googleWorkloadIdentityProvider" is not usable: .*is missing/,
    );
    expect(() =>
      read({ ...KEYLESS, googleWorkloadIdentityProvider: 'projects/wb-prod/locations/global/workloadIdentityPools/p/providers/aws-sync' }),
    ).toThrow(/"googleWorkloadIdentityProvider" is not usable/);
    expect(() => read({ ...KEYLESS, googleServiceAccount: 'someone@example.com' })).toThrow(/"googleServiceAccount" is not usable/);
    expect(() => read({ googleCredentials: 'keyless' })).toThrow(
      /"googleCredentials" is "keyless": expected one of service-account-key, workload-identity/,
    );
    expect(() => read({ googleServiceAccount: KEYLESS.googleServiceAccount })).toThrow(
      /"googleServiceAccount" is set, but googleCredentials is not workload-identity/,
    );
    expect(read(KEYLESS).googleCredentials).toEqual({
      mode: 'workload-identity',
      provider: KEYLESS.googleWorkloadIdentityProvider,
      serviceAccount: KEYLESS.googleServiceAccount,
    });
  });
});
