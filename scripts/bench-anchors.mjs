// One benchmark, side by side in one run (prints, asserts nothing): ufdn against onnxruntime
// running the ONNX export of the same weights (pkg/default.ufdn, `ufdn export --onnx`).
// - In one headless Chromium (cross-origin isolated by scripts/serve.mjs): onnxruntime-web's
//   wasm EP at 1 and 2 threads and its WebGPU EP, against the ufdn package on the CPU at 1 and
//   2 threads (2: the threaded build) and on WebGPU (SwiftShader here: CPU emulation, worth
//   only as a ratio).
// - Natively: onnxruntime (Python, CPU EP) against `ufdn bench --weights` on flex, 1 and 2
//   threads.
// Prints ms per 256² and 512² frame, the GFLOP/s reached and ufdn's time over the anchor's
// on the same backend and thread count (below 1: ufdn is faster). ufdn translates a frame
// with a mirrored margin around it (`ufdn info` says how wide): onnxruntime is given an
// input of the same fitted size, so both run the network on as many pixels.
// Needs the release binary and pkg/ (scripts/build-pkg.sh). Usage: node scripts/bench-anchors.mjs [runs]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, root } from '../tests/browser/harness.mjs';
import { startServer } from './serve.mjs';

const runs = Number(process.argv[2] ?? 5);
const sides = [256, 512];
const target = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
const bin = join(target, 'release/ufdn');
const dir = join(root, 'target/bench');
mkdirSync(dir, { recursive: true });
const weights = join(root, 'pkg/default.ufdn');
const onnx = join(dir, 'default.onnx');
execFileSync(bin, ['export', '--weights', weights, '--onnx', onnx]);
writeFileSync(join(dir, 'blank.html'), '<!doctype html><title>bench</title>');
const info = execFileSync(bin, ['info', weights], { encoding: 'utf8' });
const margin = Number(info.match(/(\d+) px of mirrored margin/)?.[1] ?? 0);
const stride = Number(info.match(/multiple of (\d+)/)?.[1] ?? 1);
// The side of the network input that ufdn makes of a side² frame.
const fitted = Object.fromEntries(sides.map((s) => [s, Math.ceil((s + 2 * margin) / stride) * stride]));

const rows = [];
const gflop = {};

// Native: ufdn on flex (its table also gives the GFLOP per frame) and onnxruntime.
for (const threads of [1, 2]) {
  const env = { ...process.env, RAYON_NUM_THREADS: String(threads) };
  const table = execFileSync(bin, ['bench', '--weights', weights, '--devices', 'flex', '--frames', sides.join(','),
    '--runs', String(runs)], { env, encoding: 'utf8' });
  const ms = {};
  for (const line of table.split('\n').filter((l) => l.startsWith('| '))) {
    const cells = line.split('|').map((c) => c.trim());
    const side = Number(cells[4]?.split('x')[0]);
    if (!sides.includes(side)) continue;
    gflop[side] = Number(cells[5]);
    ms[side] = Number(cells[6]);
  }
  rows.push({ where: 'native', runtime: 'ufdn (flex)', backend: 'cpu', threads, ms });
  const ort = execFileSync('python3', [join(root, 'scripts/bench_ort.py'), onnx, String(threads), String(runs), ...sides.map((s) => String(fitted[s]))],
    { encoding: 'utf8' });
  const ortLines = ort.trim().split('\n').map((l) => JSON.parse(l));
  const ortMs = Object.fromEntries(sides.map((s) => [s, ortLines.find((l) => l.side === fitted[s]).ms]));
  rows.push({ where: 'native', runtime: 'onnxruntime', backend: 'cpu', threads, ms: ortMs });
}

// In the browser: a fresh page per configuration (onnxruntime-web fixes its thread count
// at its first session).
const server = await startServer(0, [['/ort/', join(root, 'node_modules/onnxruntime-web/dist')], ['/bench-files/', dir]]);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launch({ webgpu: true });
const configs = [
  { runtime: 'onnxruntime-web', backend: 'wasm', threads: 1 },
  { runtime: 'onnxruntime-web', backend: 'wasm', threads: 2 },
  { runtime: 'ufdn', backend: 'cpu', threads: 1 },
  { runtime: 'ufdn', backend: 'cpu', threads: 2 },
  { runtime: 'onnxruntime-web', backend: 'webgpu' },
  { runtime: 'ufdn', backend: 'webgpu' },
];
for (const config of configs) {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${origin}/bench-files/blank.html`);
  // WebGPU on SwiftShader takes seconds per frame: fewer runs there.
  const n = config.backend === 'webgpu' ? Math.min(runs, 2) : runs;
  const result = await page.evaluate(async ({ config, sides, n, fitted }) => {
    const pattern = (side, channels, f) => {
      const data = new (channels === 4 ? Uint8ClampedArray : Float32Array)(channels * side * side);
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const rgb = [x % 256, y % 256, (x ^ y) % 256];
          for (let c = 0; c < 3; c++) f(data, rgb[c], c, y * side + x);
          if (channels === 4) data[4 * (y * side + x) + 3] = 255;
        }
      }
      return data;
    };
    let run, label, used = config.threads;
    if (config.runtime === 'onnxruntime-web') {
      const ort = await import('/ort/ort.all.min.mjs');
      ort.env.wasm.wasmPaths = '/ort/';
      ort.env.wasm.numThreads = config.threads ?? 1;
      const session = await ort.InferenceSession.create('/bench-files/default.onnx', { executionProviders: [config.backend] });
      run = async (frame) => {
        const side = fitted[frame];
        const image = pattern(side, 3, (d, v, c, i) => { d[c * side * side + i] = v / 127.5 - 1; });
        const feeds = { image: new ort.Tensor('float32', image, [1, 3, side, side]), code: new ort.Tensor('float32', new Float32Array([0, 1, 0]), [1, 3]) };
        return async () => { await session.run(feeds); };
      };
      label = config.backend;
    } else {
      const { Translator } = await import('/pkg/index.js');
      const t = await Translator.create(undefined, { backend: config.backend, threads: config.threads });
      run = async (side) => {
        const image = new ImageData(pattern(side, 4, (d, v, c, i) => { d[4 * i + c] = v; }), side, side);
        return async () => { await t.translate(image, t.domains()[1]); };
      };
      label = t.backend;
      used = t.backend === 'webgpu' ? undefined : t.threads;
    }
    const ms = {};
    for (const side of sides) {
      const once = await run(side);
      // Warm-up: shader compilation, allocations, and a thread pool's first wake-ups.
      for (let w = 0; w < 2; w++) await once();
      const start = performance.now();
      for (let r = 0; r < n; r++) await once();
      ms[side] = (performance.now() - start) / n;
    }
    return { ms, label, used, isolated: crossOriginIsolated };
  }, { config, sides, n, fitted }).catch((e) => ({ error: e.message.split('\n')[0] }));
  rows.push({ where: 'browser', ...config, ...result });
  await page.context().close();
}
await browser.close();
server.close();

const anchorOf = (r) => rows.find((a) => a !== r && a.where === r.where && a.runtime.startsWith('onnxruntime')
  && (a.backend === r.backend || (a.backend === 'wasm' && r.backend === 'cpu')) && a.threads === r.threads);
const fmt = (v, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
console.log(`GFLOP per frame: ${sides.map((s) => `${s}² ${fmt(gflop[s], 2)}`).join(', ')}; ${runs} timed runs after two warm-up runs (2 timed runs on WebGPU)`);
console.log('| where | runtime | backend | threads | ms 256² | ms 512² | GFLOP/s 256² | GFLOP/s 512² | ufdn ÷ anchor 256² | 512² |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  if (r.error) {
    console.log(`| ${r.where} | ${r.runtime} | ${r.backend} | ${r.threads ?? '–'} | failed: ${r.error} | | | | | |`);
    continue;
  }
  const anchor = r.runtime.startsWith('ufdn') ? anchorOf(r) : null;
  const ratio = (s) => (anchor && !anchor.error ? fmt(r.ms[s] / anchor.ms[s], 2) : '');
  const threads = r.used ?? r.threads ?? '–';
  console.log(`| ${r.where} | ${r.runtime} | ${r.label ?? r.backend} | ${threads} | ${sides.map((s) => fmt(r.ms[s])).join(' | ')} | `
    + `${sides.map((s) => fmt((gflop[s] / r.ms[s]) * 1e3)).join(' | ')} | ${sides.map(ratio).join(' | ')} |`);
}
const isolated = rows.find((r) => r.where === 'browser' && 'isolated' in r)?.isolated;
console.log(`browser page cross-origin isolated: ${isolated}`);
