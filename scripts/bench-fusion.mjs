// burn's kernel fusion and autotuning on WebGPU (prints, asserts nothing): builds the
// browser wasm with the `fusion` feature, and with `fusion` and `autotune`, into their own
// target dirs (about 15 min each the first time), then, in one headless Chromium on WebGPU
// (SwiftShader here), counts the compute dispatches of one 256² translation and times it,
// and the load to the first frame, for the shipped build (pkg/) and the two others. Needs pkg/ (scripts/build-pkg.sh). Usage: node scripts/bench-fusion.mjs [runs]
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { launch, root } from '../tests/browser/harness.mjs';
import { startServer } from './serve.mjs';

const runs = Number(process.argv[2] ?? 3);
const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
/** Builds the browser wasm with `features` into its own target dir; returns its package folder. */
function variant(features, dir) {
  const target = join(targetDir, dir);
  const out = join(root, 'target', `${dir}-pkg`);
  execFileSync('cargo', ['rustc', '--lib', '--profile', 'wasm-release', '--target', 'wasm32-unknown-unknown',
    '--crate-type', 'cdylib', '--features', features, '--target-dir', target], { cwd: root, stdio: 'inherit' });
  mkdirSync(out, { recursive: true });
  execFileSync('wasm-bindgen', ['--target', 'web', '--out-dir', out, '--out-name', 'ufdn',
    join(target, 'wasm32-unknown-unknown/wasm-release/ufdn.wasm')], { stdio: 'inherit' });
  copyFileSync(join(root, 'pkg/default.ufdn'), join(out, 'default.ufdn'));
  return out;
}
const fused = variant('fusion', 'fusion-only');
const tuned = variant('fusion,autotune', 'fusion');

const server = await startServer(0, [['/fusion-pkg/', fused], ['/tuned-pkg/', tuned]]);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launch({ webgpu: true });
const rows = [];
const builds = [['shipped (no fusion, no autotune)', '/pkg/ufdn.js', join(root, 'pkg/ufdn_bg.wasm')],
  ['fusion', '/fusion-pkg/ufdn.js', join(fused, 'ufdn_bg.wasm')],
  ['fusion + autotune', '/tuned-pkg/ufdn.js', join(tuned, 'ufdn_bg.wasm')]];
for (const [name, module, wasm] of builds) {
  const page = await browser.newPage();
  await page.goto(`${origin}/pkg/package.json`);
  const gzip = gzipSync(readFileSync(wasm), { level: 9 }).length;
  rows.push({ name, gzip, ...await page.evaluate(async ({ module, runs }) => {
    // Every compute dispatch goes through this method of the page's WebGPU API.
    let dispatches = 0;
    const proto = GPUComputePassEncoder.prototype;
    const dispatch = proto.dispatchWorkgroups;
    proto.dispatchWorkgroups = function (...args) { dispatches += 1; return dispatch.apply(this, args); };
    const t0 = performance.now();
    const mod = await import(module);
    await mod.default();
    const t = await mod.Translator.create(undefined, { backend: 'webgpu' });
    const image = new ImageData(256, 256);
    for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 7) & 255;
    const target = t.domains()[1];
    await t.translate(image, target);
    const first = performance.now() - t0; // loading, shader compilation, autotuning
    await t.translate(image, target);
    dispatches = 0;
    await t.translate(image, target);
    const perFrame = dispatches;
    const start = performance.now();
    for (let r = 0; r < runs; r++) await t.translate(image, target);
    return { dispatches: perFrame, ms: (performance.now() - start) / runs, first };
  }, { module, runs }) });
  await page.close();
}
await browser.close();
server.close();
console.log(`| wasm build | compute dispatches per 256² frame | ms per 256² frame (${runs} runs) | load to first frame ms | wasm gzip bytes |`);
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.name} | ${r.dispatches} | ${r.ms.toFixed(0)} | ${r.first.toFixed(0)} | ${r.gzip} |`);
console.log('WebGPU on SwiftShader here: CPU emulation, so only the ratios mean anything. The fused wasm is not run through wasm-opt.');
