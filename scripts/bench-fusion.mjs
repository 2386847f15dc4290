// burn's kernel fusion and autotuning on WebGPU (prints, asserts nothing): builds the
// browser wasm with the `fusion` and `autotune` features into target/fusion (about 15 min
// the first time), then, in one headless Chromium on WebGPU (SwiftShader here), counts the
// compute dispatches of one 256² translation and times it, for the shipped build (pkg/) and
// for the fused one. Needs pkg/ (scripts/build-pkg.sh). Usage: node scripts/bench-fusion.mjs [runs]
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch, root } from '../tests/browser/harness.mjs';
import { startServer } from './serve.mjs';

const runs = Number(process.argv[2] ?? 3);
const target = join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'fusion');
const out = join(root, 'target/fusion-pkg');
execFileSync('cargo', ['rustc', '--lib', '--profile', 'wasm-release', '--target', 'wasm32-unknown-unknown',
  '--crate-type', 'cdylib', '--features', 'fusion,autotune', '--target-dir', target], { cwd: root, stdio: 'inherit' });
mkdirSync(out, { recursive: true });
execFileSync('wasm-bindgen', ['--target', 'web', '--out-dir', out, '--out-name', 'ufdn',
  join(target, 'wasm32-unknown-unknown/wasm-release/ufdn.wasm')], { stdio: 'inherit' });
copyFileSync(join(root, 'pkg/default.ufdn'), join(out, 'default.ufdn'));

const server = await startServer(0, [['/fusion-pkg/', out]]);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launch({ webgpu: true });
const rows = [];
for (const [name, module] of [['shipped (no fusion, no autotune)', '/pkg/ufdn.js'], ['fusion + autotune', '/fusion-pkg/ufdn.js']]) {
  const page = await browser.newPage();
  await page.goto(`${origin}/pkg/package.json`);
  rows.push({ name, ...await page.evaluate(async ({ module, runs }) => {
    // Every compute dispatch goes through this method of the page's WebGPU API.
    let dispatches = 0;
    const proto = GPUComputePassEncoder.prototype;
    const dispatch = proto.dispatchWorkgroups;
    proto.dispatchWorkgroups = function (...args) { dispatches += 1; return dispatch.apply(this, args); };
    const mod = await import(module);
    await mod.default();
    const t = await mod.Translator.create(undefined, { backend: 'webgpu' });
    const image = new ImageData(256, 256);
    for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 7) & 255;
    const target = t.domains()[1];
    for (let k = 0; k < 2; k++) await t.translate(image, target); // warm-up: compilation, autotuning
    dispatches = 0;
    await t.translate(image, target);
    const perFrame = dispatches;
    const start = performance.now();
    for (let r = 0; r < runs; r++) await t.translate(image, target);
    return { dispatches: perFrame, ms: (performance.now() - start) / runs };
  }, { module, runs }) });
  await page.close();
}
await browser.close();
server.close();
console.log(`| wasm build | compute dispatches per 256² frame | ms per 256² frame (WebGPU on SwiftShader, ${runs} runs) |`);
console.log('|---|---|---|');
for (const r of rows) console.log(`| ${r.name} | ${r.dispatches} | ${r.ms.toFixed(0)} |`);
