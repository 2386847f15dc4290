// The wasm translator's own thread: the package's Translator (index.js) starts one of these
// per translator and sends it requests; translating here never blocks the page.
// It loads one of two builds: ufdn.js (WebGPU and a single-threaded CPU path) or, when the
// CPU will be used with more than one thread on a cross-origin isolated page,
// ufdn-threads.js (CPU only, its kernels on a pool of further workers sharing its memory).
import { whyNotWebGpu } from './webgpu-probe.js';

let wasm = null; // the loaded build's module
let translator = null;
let exports = null; // the wasm instance's exports (its memory is measured by `stats`)

/**
 * The build for `options`: {threaded, threads, why (threads not used), cpuReason (why the
 * CPU, when the worker found out itself)}.
 */
async function chooseBuild(options) {
  const wanted = options.threads ?? globalThis.navigator?.hardwareConcurrency ?? 1;
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > 64) {
    throw new Error(`options.threads is ${wanted}: use a whole number from 1 to 64 (default: the number of cores)`);
  }
  const single = (why, cpuReason = null) => ({ threaded: false, threads: 1, why, cpuReason });
  const backend = options.backend ?? 'auto';
  if (backend !== 'auto' && backend !== 'cpu') return single('the CPU is not in use'); // webgpu, or an error below
  const cpuReason = backend === 'auto' ? await whyNotWebGpu() : null;
  if (backend === 'auto' && cpuReason === null) return single('the CPU is not in use');
  if (wanted === 1) return single('one thread was requested', cpuReason);
  if (!globalThis.crossOriginIsolated) {
    return single('the page is not cross-origin isolated (it needs the COOP and COEP headers), so it cannot share memory between threads', cpuReason);
  }
  // wasm-bindgen-rayon starts its pool from the URLs of this module and of the threaded glue;
  // a bundler that renamed or inlined the package's files (Vite, webpack) breaks both, so the
  // threaded build runs only where worker.js is served as published.
  if (!new URL(import.meta.url).pathname.endsWith('/worker.js')) {
    return single('the package was bundled, and the threaded build needs its files as published (ufdn-threads.js beside worker.js)', cpuReason);
  }
  return { threaded: true, threads: wanted, why: null, cpuReason };
}

/** An ImageData-like object from any accepted input (bitmaps and frames are drawn once). */
function pixels(input) {
  if (input && input.data && Number.isInteger(input.width) && Number.isInteger(input.height)) return input;
  const width = input.displayWidth ?? input.width;
  const height = input.displayHeight ?? input.height;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.drawImage(input, 0, 0, width, height);
  input.close?.();
  return context.getImageData(0, 0, width, height);
}

/** An image result as transferable parts: the page rebuilds the ImageData. */
function imageReply(image) {
  return [{ data: image.data, width: image.width, height: image.height }, [image.data.buffer]];
}

const methods = {
  async create(weights, options) {
    const build = await chooseBuild(options ?? {});
    wasm = build.threaded ? await import('./ufdn-threads.js') : await import('./ufdn.js');
    exports = await wasm.default();
    if (build.threaded) await wasm.initThreadPool(build.threads);
    const backend = build.threaded ? 'cpu' : options?.backend;
    translator = await wasm.Translator.create(weights ?? undefined, { ...options, backend });
    const facts = { backend: translator.backend, fallbackReason: build.cpuReason ?? translator.fallbackReason ?? null,
      threads: build.threads, threadsReason: build.why, domains: translator.domains(), info: translator.info() };
    return [facts, []];
  },
  async translate(image, target) { return imageReply(await translator.translate(pixels(image), target)); },
  async encode(image) {
    const latent = await translator.encode(pixels(image));
    return [latent, [latent.data.buffer]];
  },
  async decode(latent, target) { return imageReply(await translator.decode(latent, target)); },
  async debugPanic() { wasm.__debugPanic(); return [null, []]; },
  async stats() {
    for (let k = 0; k < 3; k++) {
      globalThis.gc?.(); // exposed only to test browsers
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const heap = globalThis.performance?.memory?.usedJSHeapSize ?? null;
    return [{ wasmBytes: exports.memory.buffer.byteLength, jsHeapBytes: heap }, []];
  },
};

self.onmessage = async ({ data: { id, method, args } }) => {
  try {
    const [result, transfer] = await methods[method](...args);
    self.postMessage({ id, result }, transfer);
  } catch (error) {
    // A RuntimeError is a trap (an aborted panic): this instance is finished.
    const fatal = error instanceof WebAssembly.RuntimeError;
    const message = fatal && globalThis.ufdnLastPanic ? globalThis.ufdnLastPanic : error?.message ?? String(error);
    self.postMessage({ id, error: message, fatal });
  }
};
