// The page in Chromium: a photo through the file picker, the (fake) webcam for 30+ frames,
// the CPU fallback without WebGPU, and no request outside the page's origin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, serve, launch, openPage, waitReady, foreignRequests } from './harness.mjs';

/** Runs `body(page)` on a fresh page (URL query `query`) in a browser launched with `options`. */
async function withPage(options, body, query = '') {
  const { server, origin } = await serve();
  const browser = await launch(options);
  try {
    const { page, requests, consoleErrors } = await openPage(browser, origin, query);
    await body(page);
    assert.deepEqual(foreignRequests(requests, origin), [], 'requests outside the origin');
    assert.deepEqual(consoleErrors, [], 'uncaught page errors');
  } finally {
    await browser.close();
    server.close();
  }
}

/** Mean absolute difference between two same-size canvases' pixels (0..255). */
async function outputStats(page) {
  return page.evaluate(() => {
    const out = document.getElementById('output');
    const d = out.getContext('2d').getImageData(0, 0, out.width, out.height).data;
    let min = 255, max = 0;
    for (let i = 0; i < d.length; i += 4) { min = Math.min(min, d[i]); max = Math.max(max, d[i]); }
    return { width: out.width, height: out.height, min, max };
  });
}

test('a photo opened with the file picker is translated into every domain (WebGPU asked for)', async () => {
  await withPage({ webgpu: true }, async (page) => {
    const state = await waitReady(page);
    assert.equal(state.backend, 'webgpu');
    assert.deepEqual(state.errors, []);
    await page.setInputFiles('#file', fixture);
    await page.waitForFunction(() => window.ufdn.frames >= 2 && document.getElementById('output').width === 200);
    const domains = await page.$$eval('#domains button', (bs) => bs.map((b) => b.dataset.domain));
    assert.ok(domains.length >= 2);
    for (const domain of domains) {
      const before = await page.evaluate(() => window.ufdn.frames);
      await page.click(`#domains button[data-domain="${domain}"]`);
      await page.waitForFunction((n) => window.ufdn.frames > n, before);
      const stats = await outputStats(page);
      assert.deepEqual([stats.width, stats.height], [200, 133]);
      assert.ok(stats.max > stats.min, `${domain}: output is a flat image`);
    }
    // The mix slider drives a weighted target.
    await page.selectOption('#mix-a', domains[0]);
    await page.selectOption('#mix-b', domains[1]);
    await page.fill('#mix', '30');
    await page.waitForFunction(() => typeof window.ufdn.target === 'object');
    const target = await page.evaluate(() => window.ufdn.target);
    assert.ok(Math.abs(target[domains[1]] - 0.3) < 1e-9 && Math.abs(target[domains[0]] - 0.7) < 1e-9, JSON.stringify(target));
    assert.match(await page.textContent('#status'), /Ready: web3 model/);
    assert.deepEqual(await page.evaluate(() => window.ufdn.errors), []);
  }, '?backend=webgpu');
});

test('the fake webcam is translated in a worker at 10 frames/s or more without stalling the page', { timeout: 300_000 }, async () => {
  await withPage({ webgpu: true, camera: true }, async (page) => {
    const ready = await waitReady(page);
    // SwiftShader is a software adapter: the automatic choice is the CPU, and the page says why.
    assert.equal(ready.backend, 'cpu');
    assert.match(await page.textContent('#notice'), /software one \(swiftshader\)/);
    // The main thread's worst lateness on a 50 ms timer while the webcam is translated.
    await page.evaluate(() => {
      window.lateness = 0;
      let last = performance.now();
      setInterval(() => {
        const now = performance.now();
        if (window.ufdn.camera && window.ufdn.frames > 0) window.lateness = Math.max(window.lateness, now - last - 50);
        last = now;
      }, 50);
    });
    await page.click('#camera');
    await page.waitForFunction(() => window.ufdn.camera && window.ufdn.frames >= 32, null, { timeout: 240_000 });
    const lateness = await page.evaluate(() => window.lateness);
    console.log(`webcam on the CPU path: ${await page.textContent('#fps')} at ${await page.textContent('#side')}, worst main-thread lateness ${lateness.toFixed(1)} ms`);
    assert.ok(lateness <= 50, `the main thread stalled ${lateness.toFixed(1)} ms`);
    const state = await page.evaluate(() => ({ ...window.ufdn }));
    assert.deepEqual(state.errors, []);
    assert.ok(state.fps > 0, `fps ${state.fps}`);
    assert.match(await page.textContent('#fps'), /^[0-9.]+ fps$/);
    // The CPU path holds 10 frames/s by lowering the webcam side when it must, and says so.
    assert.ok(state.fps >= 10, `the webcam ran at ${state.fps.toFixed(1)} frames/s at ${state.side}`);
    // While the webcam runs, the next frame's side is set before the output of the one in
    // flight arrives; once it stops, the last output has the last frame's size.
    await page.click('#camera');
    await page.waitForFunction(() => {
      const out = document.getElementById('output');
      const [w, h] = window.ufdn.side;
      return !window.ufdn.camera && out.width === w && out.height === h;
    }, null, { timeout: 10_000 });
    const [w, h] = await page.evaluate(() => window.ufdn.side);
    assert.ok(w >= 64 && w <= 256 && Math.abs(w / h - 4 / 3) < 0.05, `webcam frames scaled to ${w}x${h}`);
    const shown = await page.textContent('#side');
    assert.ok(shown.startsWith(`${w}×${h} px`), shown);
    if (w < 256) assert.match(shown, /lowered on the CPU to hold 10 fps/);
  });
});

test('without WebGPU the page falls back to the CPU, says so, and still translates', { timeout: 300_000 }, async () => {
  await withPage({ webgpu: false }, async (page) => {
    const state = await waitReady(page);
    assert.equal(state.backend, 'cpu');
    assert.match(await page.textContent('#notice'), /runs on the CPU: (the browser found no WebGPU adapter|this browser offers no WebGPU)/);
    assert.match(await page.textContent('#status'), /on your CPU/);
    await page.setInputFiles('#file', fixture);
    await page.waitForFunction(() => window.ufdn.frames >= 2 && document.getElementById('output').width === 200, null, { timeout: 240_000 });
    const stats = await outputStats(page);
    assert.ok(stats.max > stats.min);
    assert.deepEqual(await page.evaluate(() => window.ufdn.errors), []);
  });
});

test('a denied camera gets a clear message', async () => {
  await withPage({ webgpu: true }, async (page) => {
    await waitReady(page);
    // No fake-device flags: headless Chromium has no camera, so getUserMedia fails.
    await page.click('#camera');
    await page.waitForFunction(() => window.ufdn.errors.length > 0);
    assert.match(await page.textContent('#status'), /camera|Camera/);
    assert.equal(await page.evaluate(() => window.ufdn.camera), false);
  });
});
