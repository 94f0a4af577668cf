import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../../build/web', import.meta.url));

// The server serves build/web at '/' and answers unknown non-API paths with index.html, so asset
// URLs must be absolute ('/assets/…') for deep links such as /releases/… to load on reload.
export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    // The server's Content-Security-Policy allows no data: scripts or styles; keep every asset a file.
    assetsInlineLimit: 0,
  },
});
