import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Main, preload and renderer at the layout of DESIGN.md. The preload is sandboxed, so it is one
// bundled CommonJS file: a sandboxed preload cannot load ES modules or require() our files.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: resolve(__dirname, 'electron/main/index.ts') }, external: ['better-sqlite3'] },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react()],
    // Minified: the web host (warden serve) sends this bundle over the network.
    build: { outDir: resolve(__dirname, 'out/renderer'), minify: true, rollupOptions: { input: resolve(__dirname, 'renderer/index.html') } },
  },
});
