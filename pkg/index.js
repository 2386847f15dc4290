// ufdn in the browser: a Translator whose wasm runs in a dedicated Web Worker, so the page
// never waits on a translation. Every method returns a Promise.

/** Makes `image` something the worker accepts, and lists what to transfer rather than copy. */
async function toWorker(image) {
  const is = (name) => typeof globalThis[name] === 'function' && image instanceof globalThis[name];
  if (is('ImageBitmap') || is('VideoFrame')) return [image, [image]];
  if (is('ImageData')) return [image, []];
  if (is('HTMLVideoElement') && (image.readyState < 2 || image.videoWidth === 0)) {
    throw new Error('the video has no frame yet: translate it once it plays (readyState >= 2)');
  }
  if (is('HTMLCanvasElement') || is('HTMLVideoElement') || is('HTMLImageElement') || is('OffscreenCanvas')) {
    const bitmap = await createImageBitmap(image);
    return [bitmap, [bitmap]];
  }
  if (image && image.data && Number.isInteger(image.width) && Number.isInteger(image.height)) {
    return [{ data: image.data, width: image.width, height: image.height }, []];
  }
  throw new TypeError('pass an ImageData, ImageBitmap, VideoFrame, HTMLCanvasElement, HTMLVideoElement, HTMLImageElement or {data, width, height}');
}

const toImageData = ({ data, width, height }) => new ImageData(data, width, height);

/** A UFDN translator running in its own worker. */
export class Translator {
  #worker = null;
  #pending = new Map();
  #next = 0;
  #facts = null;
  #weights;
  #options;

  /** Called with a message when the worker crashed and a fresh one took over. */
  onrestart = null;

  constructor(weights, options) {
    this.#weights = weights;
    this.#options = options;
  }

  /**
   * Loads a model (the package's default when `weights` is omitted) in a new worker.
   * `options.backend`: 'auto' (default: WebGPU on a hardware adapter, else the CPU),
   * 'webgpu' or 'cpu'. `options.threads`: CPU threads (default: every core), used on a
   * cross-origin isolated page (COOP and COEP headers); elsewhere the CPU path has one.
   */
  static async create(weights, options = {}) {
    const translator = new Translator(weights ? new Uint8Array(weights) : null, { ...options });
    try {
      await translator.#start();
    } catch (error) {
      translator.terminate();
      throw error;
    }
    return translator;
  }

  async #start() {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }) => this.#settle(data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.#crashed(`the translator's worker failed: ${event.message || 'it could not start'}`);
    };
    this.#worker = worker;
    this.#facts = await this.#call('create', [this.#weights, this.#options]);
  }

  #call(method, args, transfer = []) {
    if (!this.#worker) return Promise.reject(new Error('this translator was terminated'));
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, method, args }, transfer);
    });
  }

  #settle({ id, result, error, fatal }) {
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    if (fatal) {
      this.#crashed(`the translator crashed (${error})`, pending);
    } else if (error !== undefined) {
      pending?.reject(new Error(error));
    } else {
      pending?.resolve(result);
    }
  }

  /** Rejects every open call, replaces the worker with a fresh one and says so. */
  #crashed(why, first) {
    const open = [...(first ? [first] : []), ...this.#pending.values()];
    this.#pending.clear();
    this.#worker?.terminate();
    this.#worker = null;
    const restart = Boolean(this.#facts); // a worker that never started is reported by create()
    for (const call of open) call.reject(new Error(restart ? `${why}; it was restarted, try again` : why));
    if (!restart) return;
    this.#start().then(() => this.onrestart?.(why), (e) => this.onrestart?.(`${why}; the restart failed: ${e.message}`));
  }

  /** 'webgpu' or 'cpu'. */
  get backend() { return this.#facts.backend; }

  /** Why WebGPU is not in use (undefined when it is). */
  get fallbackReason() { return this.#facts.fallbackReason ?? undefined; }

  /** CPU threads translating (1 on WebGPU and in the single-threaded build). */
  get threads() { return this.#facts.threads; }

  /** Why one thread is used (undefined when the threaded build runs). */
  get threadsReason() { return this.#facts.threadsReason ?? undefined; }

  /** The model's domain names, in code order. */
  domains() { return [...this.#facts.domains]; }

  /** Model facts: {preset, parameters, steps, imageSize, stride, fixedSize}. */
  info() { return { ...this.#facts.info }; }

  /**
   * Translates an image into `target` (a domain name or a mix such as {sketch: 0.3, paint: 0.7});
   * resolves to an ImageData of the input's size. ImageBitmap and VideoFrame inputs are
   * transferred to the worker (closed for the caller).
   */
  async translate(image, target) {
    const [input, transfer] = await toWorker(image);
    return toImageData(await this.#call('translate', [input, target], transfer));
  }

  /** Encodes an image: resolves to {data: Float32Array, shape, width, height}. */
  async encode(image) {
    const [input, transfer] = await toWorker(image);
    return this.#call('encode', [input], transfer);
  }

  /** Decodes a latent from encode() into `target`; resolves to an ImageData. */
  async decode(latent, target) {
    return toImageData(await this.#call('decode', [latent, target]));
  }

  /** Stops the worker; later calls reject. */
  terminate() {
    this.#worker?.terminate();
    this.#worker = null;
    for (const call of this.#pending.values()) call.reject(new Error('this translator was terminated'));
    this.#pending.clear();
  }

  /** Test hook: makes the wasm panic, to exercise crash recovery. */
  __debugPanic() { return this.#call('debugPanic', []); }

  /** Test hook: the worker's memory, {wasmBytes, jsHeapBytes} (the latter null where unknown). */
  __stats() { return this.#call('stats', []); }
}
