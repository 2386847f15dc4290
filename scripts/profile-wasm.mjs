// Where the browser build's CPU path spends its time (prints, asserts nothing): loads the
// single-threaded wasm in Node (the same V8 engine family as Chromium, without the page and
// its worker), translates frames on the CPU backend under V8's sampling profiler and prints
// the functions with the most self time. Needs `scripts/build-pkg.sh` first; it reads the
// wasm as wasm-bindgen left it, before wasm-opt strips the function names.
// Node's V8 is older than Chromium's: shares of time carry over, absolute times and the
// engine's tiering need not (docs/RESULTS.md).
// Usage: node scripts/profile-wasm.mjs [side=256] [frames=8] [top=25]
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { root } from '../tests/browser/harness.mjs';

const [side, frames, top] = [256, 8, 25].map((d, i) => Number(process.argv[2 + i] ?? d));
const target = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
const dir = join(target, 'wasm32-unknown-unknown/wasm-release/bindgen-ufdn');

// The one browser type the CPU path reads frames from and writes its output to:
// new ImageData(width, height) or new ImageData(data, width, height?).
globalThis.ImageData = class ImageData {
  constructor(a, b, c) {
    const [data, width] = typeof a === 'number' ? [new Uint8ClampedArray(a * b * 4), a] : [a, b];
    Object.assign(this, { data, width, height: c ?? data.length / 4 / width });
  }
};
const wasm = await import(join(dir, 'ufdn.js'));
wasm.initSync({ module: readFileSync(join(dir, 'ufdn_bg.wasm')) });
const translator = await wasm.Translator.create(new Uint8Array(readFileSync(join(root, 'pkg/default.ufdn'))), { backend: 'cpu' });
const image = new ImageData(side, side);
for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 7) & 255;
const domain = translator.domains()[1];
await translator.translate(image, domain); // the first frame optimises the hot code

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await session.post('Profiler.start');
const start = performance.now();
for (let f = 0; f < frames; f++) await translator.translate(image, domain);
const ms = (performance.now() - start) / frames;
const { profile } = await session.post('Profiler.stop');

// Self time per wasm function; JavaScript, the engine and the profiler's own messages are
// summed apart (their share shrinks as the frames grow).
const selfTime = new Map();
const byNode = new Map();
profile.samples.forEach((id, i) => byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
let [wasmTime, otherTime] = [0, 0];
for (const node of profile.nodes) {
  const t = byNode.get(node.id) ?? 0;
  if (!node.callFrame.url.startsWith('wasm://')) {
    otherTime += t;
    continue;
  }
  const name = node.callFrame.functionName.replace(/::h[0-9a-f]{16}$/, '');
  selfTime.set(name, (selfTime.get(name) ?? 0) + t);
  wasmTime += t;
}
console.log(`${side}×${side} px, ${frames} frames: ${ms.toFixed(1)} ms per frame (Node ${process.version}); ` +
  `${(100 * wasmTime / (wasmTime + otherTime)).toFixed(1)} % of the samples in wasm`);
console.log('| share of wasm time | function |\n|---|---|');
for (const [name, t] of [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`| ${(100 * t / wasmTime).toFixed(1)} % | \`${name.length > 110 ? `…${name.slice(-110)}` : name}\` |`);
}
