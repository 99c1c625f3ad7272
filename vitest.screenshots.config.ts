import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/** `npm run screenshots`: the screenshot tour only, with the test suite's DynamoDB Local setup. */
export default defineConfig({ test: { ...base.test, include: ['test/screenshots/*.screens.ts'] } });
