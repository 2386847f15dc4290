// The wasm Translator through its JavaScript API in Chromium: directly on WebGPU, and
// through the package's worker on the CPU (SIMD128 builds: threaded on this cross-origin
// isolated page, and single-threaded when asked or not isolated). Results match the native CLI,
// every input type works, the backend option and the automatic choice say what they did,
// bad input raises clear errors without breaking the translator, and a panic is reported
// and survived.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root, fixture, tmp, ufdnBin, serve, launch, openPage, foreignRequests } from './harness.mjs';

let server, origin, browser, page, requests;

before(async () => {
  ({ server, origin } = await serve());
  browser = await launch({ webgpu: true });
  ({ page, requests } = await openPage(browser, origin));
  await page.evaluate(async () => {
    const mod = await import('/pkg/ufdn.js');
    await mod.default();
    const worker = await import('/pkg/index.js');
    window.api = {
      mod,
      translator: await mod.Translator.create(undefined, { backend: 'webgpu' }),
      Worker: worker.Translator,
      cpu: await worker.Translator.create(undefined, { backend: 'cpu' }),
      cpu1: await worker.Translator.create(undefined, { backend: 'cpu', threads: 1 }),
    };
    // Decodes a PNG from the page's origin to exact RGBA pixels.
    window.loadPixels = async (url) => {
      const blob = await (await fetch(url)).blob();
      const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(bitmap, 0, 0);
      return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    };
    window.psnr = (a, b) => {
      let se = 0, n = 0;
      for (let i = 0; i < a.data.length; i += 4) for (let c = 0; c < 3; c++) { const d = a.data[i + c] - b.data[i + c]; se += d * d; n++; }
      return se === 0 ? Infinity : 10 * Math.log10((255 * 255) / (se / n));
    };
  });
}, { timeout: 180_000 });

after(async () => {
  await browser?.close();
  server?.close();
});

test('WebGPU is used when asked for and the model describes itself', async () => {
  const info = await page.evaluate(() => ({
    backend: window.api.translator.backend,
    domains: window.api.translator.domains(),
    info: window.api.translator.info(),
  }));
  assert.equal(info.backend, 'webgpu');
  assert.ok(info.domains.length >= 2, JSON.stringify(info));
  assert.ok(info.info.parameters > 0 && info.info.parameters <= 4_000_000);
  assert.equal(info.info.preset, 'web3');
});

test('a real PNG translated in the browser matches native `ufdn translate` (PSNR >= 40 dB)', async () => {
  const domains = await page.evaluate(() => window.api.translator.domains());
  for (const target of [domains[1], `${domains[1]}=0.3,${domains[2] ?? domains[0]}=0.7`]) {
    const name = `native_${target.replace(/[^a-z0-9]/gi, '_')}.png`;
    execFileSync(ufdnBin, ['translate', '--weights', join(root, 'pkg/default.ufdn'), '--to', target, fixture, join(tmp, name)]);
    for (const runtime of ['translator', 'cpu', 'cpu1']) {
      const result = await page.evaluate(async ({ target, name, runtime }) => {
        const input = await window.loadPixels('/test-files/chelsea.png');
        const output = await window.api[runtime].translate(input, target);
        const native = await window.loadPixels(`/test-files/${name}`);
        return { psnr: window.psnr(output, native), size: [output.width, output.height], input: [input.width, input.height] };
      }, { target, name, runtime });
      assert.deepEqual(result.size, result.input, `${runtime}: output keeps the input size`);
      assert.ok(result.psnr >= 40, `${runtime} ${target}: PSNR ${result.psnr} dB`);
    }
  }
});

test('the CPU path runs on every core when the page is cross-origin isolated, else on one', { timeout: 180_000 }, async () => {
  const here = await page.evaluate(async () => {
    const facts = (t) => ({ backend: t.backend, threads: t.threads, why: t.threadsReason ?? null });
    const gpu = await window.api.Worker.create(undefined, { backend: 'webgpu' });
    const out = { isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency,
      cpu: facts(window.api.cpu), cpu1: facts(window.api.cpu1), gpu: facts(gpu) };
    gpu.terminate();
    try { await window.api.Worker.create(undefined, { backend: 'cpu', threads: 0 }); out.zero = 'no error'; } catch (e) { out.zero = e.message; }
    return out;
  });
  assert.equal(here.isolated, true);
  assert.deepEqual(here.cpu, { backend: 'cpu', threads: here.cores, why: null });
  assert.ok(here.cores >= 2, `a threaded test needs 2 cores, the browser reports ${here.cores}`);
  assert.deepEqual(here.cpu1, { backend: 'cpu', threads: 1, why: 'one thread was requested' });
  assert.deepEqual(here.gpu, { backend: 'webgpu', threads: 1, why: 'the CPU is not in use' });
  assert.match(here.zero, /options.threads is 0: use a whole number from 1 to 64/);

  // A host without COOP/COEP: one thread, and the reason says what the host must send.
  const plain = await serve({ isolated: false });
  const other = await browser.newPage();
  try {
    await other.goto(`http://127.0.0.1:${plain.server.address().port}/test-files/chelsea.png`);
    const there = await other.evaluate(async () => {
      const { Translator } = await import('/pkg/index.js');
      const t = await Translator.create(undefined, { backend: 'cpu', threads: 2 });
      const image = await t.translate(new ImageData(32, 24), t.domains()[1]);
      return { isolated: crossOriginIsolated, threads: t.threads, why: t.threadsReason, size: [image.width, image.height] };
    });
    assert.equal(there.isolated, false);
    assert.equal(there.threads, 1);
    assert.match(there.why, /not cross-origin isolated \(it needs the COOP and COEP headers\)/);
    assert.deepEqual(there.size, [32, 24]);
  } finally {
    await other.close();
    plain.server.close();
  }
});

test('encode and decode round-trip through the latent', async () => {
  const r = await page.evaluate(async () => {
    const t = window.api.translator;
    const input = await window.loadPixels('/test-files/chelsea.png');
    const z = await t.encode(input);
    const decoded = await t.decode(z, t.domains()[0]);
    const direct = await t.translate(input, t.domains()[0]);
    return { shape: z.shape, len: z.data.length, size: [decoded.width, decoded.height], psnr: window.psnr(decoded, direct), info: t.info() };
  });
  assert.equal(r.shape.length, 4);
  // The latent covers the frame with its mirrored margin on every side, padded to the stride.
  const { margin, stride } = r.info;
  assert.equal(margin, 2);
  assert.deepEqual(r.shape.slice(2), [133, 200].map((side) => Math.ceil((side + 2 * margin) / stride)));
  assert.equal(r.len, r.shape.reduce((a, b) => a * b, 1));
  assert.deepEqual(r.size, [200, 133]);
  assert.ok(r.psnr >= 40, `decode(encode(x)) vs translate(x): ${r.psnr} dB`);
});

test('bad input raises clear errors and the next valid call works', async () => {
  const cases = await page.evaluate(async () => {
    const { mod, translator: t } = window.api;
    const good = new ImageData(16, 8);
    const attempts = {
      'zero-size image': () => t.translate({ data: new Uint8ClampedArray(0), width: 0, height: 0 }, 'photo'),
      'data length mismatch': () => t.translate({ data: new Uint8ClampedArray(10), width: 4, height: 4 }, t.domains()[0]),
      'not an image': () => t.translate('cat.png', t.domains()[0]),
      'unknown domain': () => t.translate(good, 'oil-painting'),
      'negative weight': () => t.translate(good, { [t.domains()[0]]: -1, [t.domains()[1]]: 2 }),
      'NaN weight': () => t.translate(good, { [t.domains()[0]]: NaN }),
      'all-zero weights': () => t.translate(good, { [t.domains()[0]]: 0, [t.domains()[1]]: 0 }),
      'bad latent': () => t.decode({ data: new Float32Array(3), shape: [1, 2, 3, 4] }, t.domains()[0]),
      'truncated weights': async () => {
        const bytes = new Uint8Array(await (await fetch('/pkg/default.ufdn')).arrayBuffer());
        return mod.Translator.create(bytes.slice(0, bytes.length >> 1));
      },
      'random weights bytes': () => mod.Translator.create(crypto.getRandomValues(new Uint8Array(4096))),
    };
    const out = {};
    for (const [name, attempt] of Object.entries(attempts)) {
      try { await attempt(); out[name] = 'no error'; } catch (e) { out[name] = String(e?.message ?? e); }
      const after = await t.translate(good, t.domains()[1]);
      if (after.width !== 16 || after.height !== 8) out[name] += ' / next call failed';
    }
    return out;
  });
  const expect = {
    'zero-size image': /width is 0/, 'data length mismatch': /has 10 bytes .* needs 64/, 'not an image': /ImageData/,
    'unknown domain': /unknown domain 'oil-painting'/, 'negative weight': />= 0/, 'NaN weight': /finite/,
    'all-zero weights': /sum to zero/, 'bad latent': /needs 24/, 'truncated weights': /truncated/,
    'random weights bytes': /not a ufdn weights file/,
  };
  for (const [name, pattern] of Object.entries(expect)) {
    assert.match(cases[name], pattern, `${name}: ${cases[name]}`);
    assert.doesNotMatch(cases[name], /next call failed|unreachable|panicked/, name);
  }
});

test('the worker translator takes ImageData, ImageBitmap, canvases, images and VideoFrames alike', async () => {
  const r = await page.evaluate(async () => {
    const t = window.api.cpu;
    const input = await window.loadPixels('/test-files/chelsea.png');
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [input.width, input.height];
    canvas.getContext('2d').putImageData(input, 0, 0);
    const image = new Image();
    image.src = canvas.toDataURL('image/png');
    await image.decode();
    const bitmap = await createImageBitmap(input);
    const reference = await t.translate(input, t.domains()[1]);
    const inputs = {
      ImageBitmap: bitmap,
      HTMLCanvasElement: canvas,
      HTMLImageElement: image,
      VideoFrame: new VideoFrame(canvas, { timestamp: 0 }),
      'plain object': { data: input.data, width: input.width, height: input.height },
    };
    const out = {};
    for (const [kind, value] of Object.entries(inputs)) {
      const output = await t.translate(value, t.domains()[1]);
      out[kind] = { psnr: window.psnr(output, reference), size: [output.width, output.height] };
    }
    out.transferred = bitmap.width === 0; // the bitmap went to the worker
    const video = document.createElement('video');
    try { await t.translate(video, t.domains()[0]); out.video = 'no error'; } catch (e) { out.video = e.message; }
    return out;
  });
  for (const kind of ['ImageBitmap', 'HTMLCanvasElement', 'HTMLImageElement', 'VideoFrame', 'plain object']) {
    assert.deepEqual(r[kind].size, [200, 133], kind);
    // The same picture (decoding and drawing paths may round a colour value here and there).
    assert.ok(r[kind].psnr >= 40, `${kind}: ${r[kind].psnr} dB against the ImageData input`);
  }
  assert.equal(r.transferred, true, 'an ImageBitmap input is transferred, not copied');
  assert.match(r.video, /no frame yet/);
});

test('backend option: auto counts a software adapter as no GPU and says why; bad values are refused', async () => {
  const r = await page.evaluate(async () => {
    const auto = await window.api.Worker.create();
    const facts = { backend: auto.backend, reason: auto.fallbackReason, cpu: window.api.cpu.backend, cpuReason: window.api.cpu.fallbackReason };
    auto.terminate();
    try { await window.api.Worker.create(undefined, { backend: 'quantum' }); facts.bad = 'no error'; } catch (e) { facts.bad = e.message; }
    return facts;
  });
  assert.equal(r.backend, 'cpu');
  assert.match(r.reason, /software one \(swiftshader\)/);
  assert.equal(r.cpu, 'cpu');
  assert.match(r.cpuReason, /requested/);
  assert.match(r.bad, /'auto', 'webgpu' or 'cpu'/);
});

test('a panic inside the wasm is reported, the worker restarts and the next call works', async () => {
  const r = await page.evaluate(async () => {
    const t = await window.api.Worker.create(undefined, { backend: 'cpu' });
    const restarted = new Promise((resolve) => { t.onrestart = resolve; });
    let error = 'no error';
    try { await t.__debugPanic(); } catch (e) { error = e.message; }
    const notice = await restarted;
    const after = await t.translate(new ImageData(16, 8), t.domains()[1]);
    t.terminate();
    return { error, notice, size: [after.width, after.height] };
  });
  assert.match(r.error, /crashed \(.*deliberate panic from __debugPanic.*\); it was restarted/s);
  assert.match(r.notice, /deliberate panic/);
  assert.deepEqual(r.size, [16, 8]);
});

test('the API page requested nothing outside its origin', () => {
  assert.deepEqual(foreignRequests(requests, origin), []);
});
