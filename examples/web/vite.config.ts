// Vite config of the browser page (examples/web): `vite web` (dev server), `vite build web`
// (static files in web/dist), `vite preview web`. The page must be cross-origin isolated for the
// wasm backend's shared memory (SharedArrayBuffer), so both servers send COOP and COEP; a static
// host must send the same two headers (public/_headers does for Netlify and Cloudflare Pages).
import { defineConfig } from 'vite';

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // relative URLs: dist/ works from any path of any static server
  base: './',
  server: { headers: isolation },
  preview: { headers: isolation },
  // the worker is an ES module (top-level await); every browser with module workers runs it
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
});
