// The wasm translator's own thread: the package's Translator (index.js) starts one of these
// per translator and sends it requests; translating here never blocks the page.
import init, { Translator, __debugPanic } from './ufdn.js';

let translator = null;
let exports = null; // the wasm instance's exports (its memory is measured by `stats`)

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
    exports = await init();
    translator = await Translator.create(weights ?? undefined, options ?? undefined);
    const facts = { backend: translator.backend, fallbackReason: translator.fallbackReason ?? null,
      domains: translator.domains(), info: translator.info() };
    return [facts, []];
  },
  async translate(image, target) { return imageReply(await translator.translate(pixels(image), target)); },
  async encode(image) {
    const latent = await translator.encode(pixels(image));
    return [latent, [latent.data.buffer]];
  },
  async decode(latent, target) { return imageReply(await translator.decode(latent, target)); },
  async debugPanic() { __debugPanic(); return [null, []]; },
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
