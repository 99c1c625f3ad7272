// Vite resolves the stylesheet import in main.ts; TypeScript 6 checks side-effect imports, so it needs their types.
/// <reference types="vite/client" />
