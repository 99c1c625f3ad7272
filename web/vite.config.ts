import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    // Never inline assets as data: URLs or modulepreload polyfills as inline script: the CSP allows neither.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
