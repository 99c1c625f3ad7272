/**
 * esbuild settings that every function bundle shares, read by infra/app-function.ts (deploys) and
 * bench/auth.bench.ts (measures the same bundle).
 */

/** The SDK's ES module builds: smaller bundles that import faster than its CommonJS ones. */
export const FUNCTION_BUNDLE_MAIN_FIELDS = ['module', 'main'];

/**
 * Import paths bundled as another file, relative to the repository root. The AWS SDK's instance
 * metadata credentials provider imports `node:http` as an ES module; see functions/node-http.cjs.
 */
export const FUNCTION_BUNDLE_ALIAS: Readonly<Record<string, string>> = { 'node:http': './functions/node-http.cjs' };

/**
 * Compile-time constants: `process.env.WB_TRACING` decides whether the Powertools tracer is in the
 * bundle at all (shared/adapters/tracing.ts; the deploy setting `tracing`).
 */
export const functionBundleDefine = (tracing: boolean): Readonly<Record<string, string>> => ({
  'process.env.WB_TRACING': JSON.stringify(String(tracing)),
});
