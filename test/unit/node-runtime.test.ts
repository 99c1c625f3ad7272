import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_RUNTIME } from '../../infra/app-function.js';

/** The Node the project brings with it (the npm `node` package, pinned in package.json), whatever the system has. */
const pinned = (
  JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { devDependencies: Record<string, string> }
).devDependencies.node!;
const major = (version: string) => Number(/^v?(\d+)\./.exec(version)![1]);

describe('the Node the project runs on', () => {
  it('is the major version the Lambda functions deploy to', () => {
    expect(NODE_RUNTIME.name).toBe(`nodejs${major(pinned)}.x`);
  });

  it('runs this test worker', () => {
    expect(process.versions.node).toBe(pinned);
    expect(major(process.version)).toBe(24);
  });

  it('is the `node` that child processes and npm scripts find on PATH (tsx, the cdk app command)', () => {
    expect(execFileSync('node', ['-p', 'process.versions.node']).toString().trim()).toBe(pinned);
  });
});
