// Soak run (issue: trust): 10 000 translations on the CPU path and 1 000 on WebGPU through the
// package's worker in headless Chromium, printing memory before/after warm-up and the growth.
//   node scripts/soak.mjs [cpuCount] [webgpuCount] [size]     (after scripts/build-pkg.sh)
import { serve, launch, openPage } from '../tests/browser/harness.mjs';
import { soak, growth } from '../tests/browser/soak.mjs';

const [cpuCount = 10_000, webgpuCount = 1_000, size = 64] = process.argv.slice(2).map(Number);
const { server, origin } = await serve();
const browser = await launch({ webgpu: true });
try {
  const { page } = await openPage(browser, origin);
  page.setDefaultTimeout(0);
  console.log('| backend | translations | frame | ms/frame | wasm memory before → after | worker JS heap | page JS heap |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [backend, count] of [['cpu', cpuCount], ['webgpu', webgpuCount]]) {
    const r = await soak(page, { backend, count, size });
    const cell = (key) => {
      const g = growth(r, key);
      return g === null ? 'not reported' : `${r.before[key]} → ${r.after[key]} (${(100 * g).toFixed(2)} %)`;
    };
    console.log(`| ${backend} | ${count} | ${size}² | ${r.msPerFrame.toFixed(1)} | ${cell('wasmBytes')} | ${cell('jsHeapBytes')} | ${cell('pageHeapBytes')} |`);
  }
} finally {
  await browser.close();
  server.close();
}
