// Browser benchmark (prints, asserts nothing): ms per translate at 128, 256 and 512 px in
// headless Chromium on WebGPU (SwiftShader here) and on the CPU fallback, and the time from
// page load to the first translated frame. Needs pkg/ built (scripts/build-pkg.sh).
// Usage: node scripts/bench-browser.mjs [runs]
import { serve, launch } from '../tests/browser/harness.mjs';

const runs = Number(process.argv[2] ?? 5);
const { server, origin } = await serve();
const rows = [];
for (const webgpu of [true, false]) {
  const browser = await launch({ webgpu });
  const page = await browser.newPage();
  const t0 = Date.now();
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => window.ufdn?.frames >= 1 || window.ufdn?.errors.length, null, { timeout: 600_000 });
  const firstFrame = Date.now() - t0;
  const result = await page.evaluate(async (runs) => {
    const mod = await import('/pkg/ufdn.js');
    await mod.default();
    const t = await mod.Translator.create();
    const out = { backend: t.backend, sizes: {} };
    for (const side of [128, 256, 512]) {
      const image = new ImageData(side, side);
      for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 7) & 255;
      await t.translate(image, t.domains()[1]); // warm-up (shader compilation)
      const start = performance.now();
      for (let r = 0; r < runs; r++) await t.translate(image, t.domains()[1]);
      out.sizes[side] = (performance.now() - start) / runs;
    }
    return out;
  }, runs);
  rows.push({ ...result, firstFrame });
  await browser.close();
}
server.close();
console.log('| backend | 128 px ms | 256 px ms | 512 px ms | page load → first frame ms |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.backend} | ${r.sizes[128].toFixed(1)} | ${r.sizes[256].toFixed(1)} | ${r.sizes[512].toFixed(1)} | ${r.firstFrame} |`);
}
