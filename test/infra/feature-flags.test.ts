import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const context = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;

/** Flags where this app deliberately keeps another value than a fresh `cdk init` app, and why. */
const KEPT_DIFFERENT: Readonly<Record<string, unknown>> = {
  // Exports (Fn::ImportValue): CloudFormation refuses to delete the data stack while a consumer uses its table or secrets.
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
};

describe('cdk.json feature flags', () => {
  it('carries every flag a fresh CDK app of the installed aws-cdk-lib gets, with its recommended value (or a stated exception)', () => {
    for (const [flag, recommended] of Object.entries(CURRENTLY_RECOMMENDED_FLAGS)) {
      expect(context[flag], flag).toEqual(flag in KEPT_DIFFERENT ? KEPT_DIFFERENT[flag] : recommended);
    }
  });
});
