// Bundled in place of `import … from 'node:http'` (FUNCTION_BUNDLE_ALIAS in functions/bundling.ts). Node 24's
// ES module facade of node:http reads every export, and some of them load undici, which no function uses:
// ~40 ms of a cold start. require() gives the same module without the facade.
/* global module, require */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the point of this file
module.exports = require('http');
