import { defineConfig } from "vite";

// The app loads only its own files: no CDN, no remote fonts.
export default defineConfig({
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2021",
    assetsInlineLimit: 0,
    rollupOptions: {
      // Two pages: the window, and the quick-copy box (src-tauri/src/quick.rs).
      input: { main: "index.html", quick: "quick.html" },
      output: {
        // The brand icons' paths (scripts/icons.mjs, src/generated/paths.js), one chunk each, in a folder of their own.
        chunkFileNames: (chunk) => (chunk.facadeModuleId?.includes("/generated/paths/") ? "assets/icons/[name]-[hash].js" : "assets/[name]-[hash].js"),
      },
    },
  },
});
