// The npm package as users get it: `npm pack` of pkg/, unpacked into an app's node_modules,
// then (1) built into an app by Vite and (2) imported by a plain <script type="module"> page.
// Both are served as static files and translate an image in Chromium through the worker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { root, tmp, launch, foreignRequests } from './harness.mjs';
import { startServer } from '../../scripts/serve.mjs';

const work = join(tmp, 'bundler');
let server, origin, browser;

/** A page's script: translate a small pattern on the CPU and publish the result. */
const APP = (specifier) => `import { Translator } from '${specifier}';
try {
  const t = await Translator.create(undefined, { backend: 'cpu' });
  const image = new ImageData(40, 24);
  for (let i = 0; i < image.data.length; i += 4) image.data.set([i % 251, (i >> 3) % 256, 90, 255], i);
  const out = await t.translate(image, t.domains()[1]);
  let varied = false;
  for (let i = 4; i < out.data.length; i += 4) varied ||= out.data[i] !== out.data[0];
  window.result = { width: out.width, height: out.height, backend: t.backend, domains: t.domains(), varied,
    threads: t.threads, threadsReason: t.threadsReason };
} catch (e) {
  window.result = { error: String(e?.message ?? e) };
}
`;
const HTML = '<!doctype html><meta charset="utf-8"><title>ufdn app</title><script type="module" src="./main.js"></script>';

/** Packs pkg/ and unpacks the tarball as `dir`/node_modules/ufdn. */
function install(dir) {
  const modules = join(dir, 'node_modules');
  mkdirSync(modules, { recursive: true });
  const tarball = execFileSync('npm', ['pack', join(root, 'pkg'), '--pack-destination', work], { encoding: 'utf8' }).trim().split('\n').pop();
  execFileSync('tar', ['-xzf', join(work, tarball), '-C', modules]);
  renameSync(join(modules, 'package'), join(modules, 'ufdn'));
}

before(async () => {
  rmSync(work, { recursive: true, force: true });
  // (1) A Vite app importing the package by name.
  const app = join(work, 'vite-app');
  install(app);
  writeFileSync(join(app, 'index.html'), HTML);
  writeFileSync(join(app, 'main.js'), APP('ufdn'));
  await build({ root: app, base: './', logLevel: 'warn', build: { outDir: join(work, 'vite-dist'), emptyOutDir: true } });
  // (2) A plain page importing the unpacked package by path.
  const plain = join(work, 'plain');
  install(plain);
  writeFileSync(join(plain, 'index.html'), HTML);
  writeFileSync(join(plain, 'main.js'), APP('./node_modules/ufdn/index.js'));
  server = await startServer(0, [['/vite/', join(work, 'vite-dist')], ['/plain/', plain]]);
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launch({ webgpu: false });
}, { timeout: 300_000 });

after(async () => {
  await browser?.close();
  server?.close();
});

for (const [name, path] of [['a Vite build', '/vite/'], ['a plain module page on the packed tarball', '/plain/']]) {
  test(`${name} translates an image through the package's worker`, { timeout: 180_000 }, async () => {
    const page = await browser.newPage();
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${origin}${path}`);
    await page.waitForFunction(() => window.result, null, { timeout: 150_000 });
    const result = await page.evaluate(() => window.result);
    assert.equal(result.error, undefined, result.error);
    assert.deepEqual([result.width, result.height], [40, 24]);
    assert.equal(result.backend, 'cpu');
    // The page is cross-origin isolated: the published files run threaded; a bundle cannot.
    if (path === '/plain/') assert.ok(result.threads >= 2, JSON.stringify(result));
    else assert.match(result.threadsReason, /the package was bundled/);
    assert.ok(result.domains.length >= 2 && result.varied, JSON.stringify(result));
    assert.deepEqual(foreignRequests(requests, origin), []);
    await page.close();
  });
}
