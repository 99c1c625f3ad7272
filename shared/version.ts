import pkg from '../package.json' with { type: 'json' };

/** The deployed version: package.json's, stamped into the bundle at build time. */
export const VERSION: string = pkg.version;
