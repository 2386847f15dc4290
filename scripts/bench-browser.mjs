// Browser benchmark (prints, asserts nothing): the page's load to its first translated frame,
// and ms per translate at 128, 256 and 512 px through the package's worker, in headless
// Chromium on WebGPU (SwiftShader here) and on the CPU with one thread and with every core
// (the threaded build; the page is cross-origin isolated). Needs pkg/ (scripts/build-pkg.sh).
// Usage: node scripts/bench-browser.mjs [runs]
import { serve, launch } from '../tests/browser/harness.mjs';

const runs = Number(process.argv[2] ?? 5);
const { server, origin } = await serve();
const browser = await launch({ webgpu: true });
const rows = [];
for (const options of [{ backend: 'webgpu' }, { backend: 'cpu', threads: 1 }, { backend: 'cpu' }]) {
  const page = await (await browser.newContext()).newPage();
  const t0 = Date.now();
  await page.goto(`${origin}/?${new URLSearchParams(options)}`);
  await page.waitForFunction(() => window.ufdn?.frames >= 1 || window.ufdn?.errors.length, null, { timeout: 600_000 });
  const firstFrame = Date.now() - t0;
  const result = await page.evaluate(async ({ runs, options }) => {
    const { Translator } = await import('/pkg/index.js');
    const t = await Translator.create(undefined, options);
    const out = { backend: t.backend, threads: t.threads, sizes: {} };
    for (const side of [128, 256, 512]) {
      const image = new ImageData(side, side);
      for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 7) & 255;
      await t.translate(image, t.domains()[1]); // warm-up (shader compilation)
      const start = performance.now();
      for (let r = 0; r < runs; r++) await t.translate(image, t.domains()[1]);
      out.sizes[side] = (performance.now() - start) / runs;
    }
    t.terminate();
    return out;
  }, { runs, options });
  rows.push({ ...result, firstFrame });
  await page.context().close();
}
await browser.close();
server.close();
console.log('| backend | threads | 128 px ms | 256 px ms | 512 px ms | page load → first frame ms |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.backend} | ${r.threads} | ${r.sizes[128].toFixed(1)} | ${r.sizes[256].toFixed(1)} | ${r.sizes[512].toFixed(1)} | ${r.firstFrame} |`);
}
