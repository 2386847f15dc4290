// Soak run shared by the soak test and scripts/soak.mjs: many translations through the
// package's worker, with the worker's wasm memory and JS heap (and the page's JS heap)
// measured after a warm-up and at the end.

/**
 * Translates `count` frames of `size`×`size` on `backend` in `page` (a page of the served
 * origin), after `warmup` frames; returns the memory before and after, and ms per frame.
 */
export async function soak(page, { backend, count, size, warmup = 30 }) {
  return page.evaluate(async ({ backend, count, size, warmup }) => {
    const { Translator } = await import('/pkg/index.js');
    const t = await Translator.create(undefined, { backend });
    const frame = new ImageData(size, size);
    for (let i = 0; i < frame.data.length; i += 4) frame.data.set([(i * 7) % 256, (i >> 5) % 256, 128, 255], i);
    const domains = t.domains();
    // Garbage is collected first where the browser allows it, a few times with pauses: freed
    // buffers leave the heap figure only once the collector's sweeping has caught up.
    const settle = async () => {
      for (let k = 0; k < 3; k++) {
        globalThis.gc?.();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    const memory = async () => {
      await settle();
      return { ...(await t.__stats()), pageHeapBytes: performance.memory?.usedJSHeapSize ?? null };
    };
    for (let i = 0; i < warmup; i++) await t.translate(frame, domains[i % domains.length]);
    const before = await memory();
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      // Inputs of both kinds: copied ImageData and transferred bitmaps.
      const input = i % 2 ? frame : await createImageBitmap(frame);
      await t.translate(input, i % 3 ? domains[i % domains.length] : { [domains[0]]: 0.5, [domains[1]]: 0.5 });
    }
    const msPerFrame = (performance.now() - start) / count;
    const after = await memory();
    t.terminate();
    return { backend: t.backend, count, size, msPerFrame, before, after };
  }, { backend, count, size, warmup });
}

/** Relative growth of `key` from `before` to `after` (null where the browser does not say). */
export function growth({ before, after }, key) {
  return before[key] === null || after[key] === null ? null : (after[key] - before[key]) / before[key];
}
