// A few hundred translations through the package's worker on the CPU and on WebGPU: memory
// stays flat after warm-up (< 5 % growth). scripts/soak.mjs runs the long version.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage } from './harness.mjs';
import { soak, growth } from './soak.mjs';

let server, origin, browser, page;

before(async () => {
  ({ server, origin } = await serve());
  browser = await launch({ webgpu: true });
  ({ page } = await openPage(browser, origin));
}, { timeout: 120_000 });

after(async () => {
  await browser?.close();
  server?.close();
});

for (const [backend, count] of [['cpu', 300], ['webgpu', 60]]) {
  test(`${count} translations on ${backend} leave memory flat`, { timeout: 600_000 }, async () => {
    const r = await soak(page, { backend, count, size: 64 });
    assert.equal(r.backend, backend);
    for (const key of ['wasmBytes', 'jsHeapBytes', 'pageHeapBytes']) {
      const g = growth(r, key);
      console.log(`${backend}: ${key} ${r.before[key]} -> ${r.after[key]} (${g === null ? 'not reported' : `${(100 * g).toFixed(2)} %`}), ${r.msPerFrame.toFixed(1)} ms per 64x64 frame`);
      if (key === 'wasmBytes') assert.ok(g !== null, 'wasm memory is always measurable');
      if (g !== null) assert.ok(g < 0.05, `${key} grew ${(100 * g).toFixed(2)} %`);
    }
  });
}
