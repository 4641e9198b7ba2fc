import { defineConfig } from "vite";

// The app loads only its own files: no CDN, no remote fonts.
export default defineConfig({
  clearScreen: false,
  // The brand icon data (scripts/icons.mjs) is one lazily loaded chunk of about 4.7 MB: no warning for it.
  build: { outDir: "dist", emptyOutDir: true, target: "es2021", assetsInlineLimit: 0, chunkSizeWarningLimit: 5000 },
});
