// A static file server for the browser tests, sending the two headers that make a page
// cross-origin isolated (SharedArrayBuffer, shared WebAssembly memory).
import { createServer, type Server } from 'node:http';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json',
};

/** url path -> file, for every file under `dir`, mounted at `prefix` ('/' or '/name/'). */
export function mount(dir: string, prefix: string, into: Map<string, string> = new Map()): Map<string, string> {
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, f);
    if (statSync(path).isFile()) into.set(`${prefix}${f.split('\\').join('/')}`, path);
  }
  return into;
}

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves `files` (url path -> file; '/x/' also answers with '/x/index.html') on 127.0.0.1. */
export async function serve(files: ReadonlyMap<string, string>): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = files.get(path) ?? files.get(`${path.endsWith('/') ? path : `${path}/`}index.html`);
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cache-Control', 'no-store');
    if (file === undefined && path === '/favicon.ico') {
      res.statusCode = 204; // the browser asks for one on every page
      res.end();
      return;
    }
    if (file === undefined) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('browser tests: the server has no port');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
