import { build } from 'esbuild';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTION_BUNDLE_ALIAS, FUNCTION_BUNDLE_MAIN_FIELDS, functionBundleDefine } from '../../functions/bundling.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** The api function bundled as infra/app-function.ts bundles it, with tracing on or off. */
async function apiBundle(tracing: boolean): Promise<string> {
  const result = await build({
    entryPoints: [join(ROOT, 'functions/api.ts')],
    bundle: true,
    write: false,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: FUNCTION_BUNDLE_MAIN_FIELDS,
    define: { ...functionBundleDefine(tracing) },
    alias: Object.fromEntries(Object.entries(FUNCTION_BUNDLE_ALIAS).map(([path, file]) => [path, join(ROOT, file)])),
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

describe('tracing (deploy setting `tracing`)', () => {
  it('leaves the tracer out of the bundle when off, so cold starts do not pay for it', async () => {
    const [off, on] = await Promise.all([apiBundle(false), apiBundle(true)]);
    // Markers of Powertools Tracer and the X-Ray SDK it brings (compared as booleans: the bundles are megabytes).
    for (const marker of ['captureAWSv3Client', 'AWS_XRAY_DAEMON_ADDRESS']) {
      expect(off.includes(marker), `${marker} with tracing off`).toBe(false);
      expect(on.includes(marker), `${marker} with tracing on`).toBe(true);
    }
    expect(on.length - off.length).toBeGreaterThan(50_000);
  }, 60_000);
});
