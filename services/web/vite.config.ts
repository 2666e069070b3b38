import { defineConfig } from "vite";

/**
 * The dashboard is built into dist/ and served by the API at / (same origin, no CDN). Preact's JSX
 * is compiled by Vite's own transformer; there is no inline script or eval in the output, so the
 * API's Content-Security-Policy can allow scripts from 'self' only.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // The chart library is loaded by the pages that draw charts, not before the first paint.
    chunkSizeWarningLimit: 900,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  logLevel: "warn",
});
