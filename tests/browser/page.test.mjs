// The page in Chromium: a photo through the file picker, the (fake) webcam for 30+ frames,
// every domain of the person on the webcam against the filters' ground truth, the CPU
// fallback without WebGPU, and no request outside the page's origin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, tmp, ufdnBin, serve, launch, openPage, waitReady, foreignRequests } from './harness.mjs';

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

/** Waits until the page has finished a frame begun after this call (one in flight may
 * still have the old target or input). */
async function waitFreshFrame(page) {
  const before = await page.evaluate(() => window.ufdn.frames);
  await page.waitForFunction((n) => window.ufdn.frames >= n + 2, before, { timeout: 120_000 });
}

/** In the page: the outputs kept in `window.kept` (domain → RGBA pixels, `w`×`h`) measured
 * against the ground truth PNGs under `truthUrl`: detail per domain (mean |Laplacian| of the
 * grey output over the ground truth's) and distinctness per pair (mean |y_t − y_u| over
 * mean |g_t − g_u|), the measures of `ufdn eval`. */
async function measureAgainstTruth(page, [w, h], truthUrl) {
  return page.evaluate(async ({ w, h, truthUrl }) => {
    const outputs = window.kept;
    const grey = (d) => Float32Array.from({ length: d.length / 4 }, (_, i) => 0.299 * d[4 * i] + 0.587 * d[4 * i + 1] + 0.114 * d[4 * i + 2]);
    const laplacian = (d) => {
      const g = grey(d);
      let sum = 0;
      for (let y = 1; y < h - 1; y++) {
        for (let x = 1; x < w - 1; x++) {
          const i = y * w + x;
          sum += Math.abs(g[i - 1] + g[i + 1] + g[i - w] + g[i + w] - 4 * g[i]);
        }
      }
      return sum / ((w - 2) * (h - 2));
    };
    const meanDiff = (a, b) => a.reduce((s, v, i) => (i % 4 === 3 ? s : s + Math.abs(v - b[i])), 0) / (a.length * 0.75);
    const truth = {};
    for (const domain of Object.keys(outputs)) {
      const bitmap = await createImageBitmap(await (await fetch(`${truthUrl}/${domain}.png`)).blob());
      if (bitmap.width !== w || bitmap.height !== h) throw new Error(`${domain} truth is ${bitmap.width}x${bitmap.height}`);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      canvas.getContext('2d').drawImage(bitmap, 0, 0);
      truth[domain] = canvas.getContext('2d').getImageData(0, 0, w, h).data;
    }
    const domains = Object.keys(outputs);
    const detail = Object.fromEntries(domains.map((d) => [d, laplacian(outputs[d]) / laplacian(truth[d])]));
    const distinctness = {};
    domains.forEach((t, i) => domains.slice(i + 1).forEach((u) => {
      distinctness[`${t}/${u}`] = meanDiff(outputs[t], outputs[u]) / meanDiff(truth[t], truth[u]);
    }));
    return { detail, distinctness };
  }, { w, h, truthUrl });
}

test('every domain button draws the person on the fake webcam distinct and sharp (WebGPU asked for, 256 px)', { timeout: 300_000 }, async () => {
  await withPage({ webgpu: true, camera: true }, async (page) => {
    assert.equal((await waitReady(page)).backend, 'webgpu');
    await page.click('#camera');
    await page.waitForFunction(() => window.ufdn.camera && window.ufdn.frames >= 1, null, { timeout: 120_000 });
    const domains = await page.$$eval('#domains button', (bs) => bs.map((b) => b.dataset.domain));
    for (const domain of domains) {
      await page.click(`#domains button[data-domain="${domain}"]`);
      await waitFreshFrame(page);
      // The output's pixels stay in the page, where they are measured.
      const size = await page.evaluate((domain) => {
        const out = document.getElementById('output');
        window.kept = { ...window.kept, [domain]: out.getContext('2d').getImageData(0, 0, out.width, out.height).data };
        return [out.width, out.height];
      }, domain);
      assert.deepEqual(size, [256, 192], `${domain}: output size`);
    }
    // The webcam's frames are all alike, so the input canvas now holds what every output
    // was translated from; the filters render its ground truth natively.
    const input = await page.evaluate(() => document.getElementById('input').toDataURL('image/png'));
    assert.deepEqual(await page.evaluate(() => window.ufdn.side), [256, 192]);
    await page.click('#camera');
    writeFileSync(join(tmp, 'webcam-input.png'), Buffer.from(input.split(',')[1], 'base64'));
    execFileSync(ufdnBin, ['data', 'render', join(tmp, 'webcam-input.png'), '--out', join(tmp, 'webcam-truth'), '--domains', domains.join(',')]);
    const { detail, distinctness } = await measureAgainstTruth(page, [256, 192], '/test-files/webcam-truth');
    console.log(`person on the webcam: detail ${JSON.stringify(detail)}, distinctness ${JSON.stringify(distinctness)}`);
    // Issue 18's targets: sharp (detail >= 0.75) and apart (distinctness >= 0.6).
    for (const [domain, value] of Object.entries(detail)) assert.ok(value >= 0.75, `${domain}: detail ${value.toFixed(3)}`);
    for (const [pair, value] of Object.entries(distinctness)) assert.ok(value >= 0.6, `${pair}: distinctness ${value.toFixed(3)}`);
    assert.deepEqual(await page.evaluate(() => window.ufdn.errors), []);
  }, '?backend=webgpu');
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
