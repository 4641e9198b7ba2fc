import { defineConfig } from "vite";

// The app loads only its own files: no CDN, no remote fonts.
export default defineConfig({
  clearScreen: false,
  build: { outDir: "dist", emptyOutDir: true, target: "es2021", assetsInlineLimit: 0 },
});
