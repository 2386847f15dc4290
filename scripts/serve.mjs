// A minimal static file server for www/ (and pkg/ under /pkg/), bound to 127.0.0.1, with the
// page's Content-Security-Policy as a header too, and cross-origin isolation (COOP/COEP), which
// shared memory, and so the threaded CPU build, needs. Usage: node scripts/serve.mjs [port]
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const mounts = [['/pkg/', join(root, 'pkg')], ['/', join(root, 'www')]];
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.ufdn': 'application/octet-stream', '.json': 'application/json',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.ts': 'text/plain; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.onnx': 'application/octet-stream',
};
// The policy is written once, in the page's <meta>; the header adds frame-ancestors, which a
// <meta> policy cannot carry.
const page = await readFile(join(root, 'www', 'index.html'), 'utf8');
const csp = `${page.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)[1]}; frame-ancestors 'none'`;

/** The decoded path of a request URL, or null when it is not a valid URL path ("//", bad %-escapes). */
function requestPath(url) {
  try {
    const path = decodeURIComponent(new URL(url, 'http://localhost').pathname);
    return path.includes('\0') ? null : path;
  } catch {
    return null;
  }
}

/**
 * Serves the page on 127.0.0.1:`port`; `extra` adds [urlPrefix, folder] mounts (tests);
 * `isolated: false` leaves out COOP/COEP (tests of hosts that do not send them).
 */
export function startServer(port = 8080, extra = [], { isolated = true } = {}) {
  const all = [...extra, ...mounts];
  const isolation = isolated
    ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
  const server = createServer(async (req, res) => {
    const path = requestPath(req.url);
    if (path === null) { res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request path'); return; }
    const [prefix, dir] = all.find(([p]) => path.startsWith(p));
    let file = normalize(join(dir, path.slice(prefix.length)));
    if (file !== dir && !file.startsWith(dir + sep)) { res.writeHead(403).end(); return; }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': csp, 'cache-control': 'no-cache', ...isolation });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? 8080);
  await startServer(port);
  console.log(`ufdn page: http://127.0.0.1:${port}/`);
}
