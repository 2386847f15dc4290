import type { CreateOptions, ImageLike, Latent, ModelInfo, Target } from './ufdn.js';
export type { CreateOptions, ImageLike, Latent, ModelInfo, Target };

/** Anything `translate` and `encode` accept. */
export type ImageInput = ImageLike | ImageBitmap | VideoFrame | HTMLCanvasElement | HTMLVideoElement | HTMLImageElement | OffscreenCanvas;

/** A UFDN translator whose wasm runs in a dedicated Web Worker. */
export class Translator {
  /** Loads a model (the package's default when `weights` is omitted) in a new worker. */
  static create(weights?: Uint8Array | ArrayBuffer, options?: CreateOptions): Promise<Translator>;
  /** Called with a message when the worker crashed and a fresh one took over. */
  onrestart: ((message: string) => void) | null;
  /** 'webgpu' or 'cpu'. */
  readonly backend: 'webgpu' | 'cpu';
  /** Why WebGPU is not in use (undefined when it is). */
  readonly fallbackReason: string | undefined;
  /** CPU threads translating (1 on WebGPU and in the single-threaded build). */
  readonly threads: number;
  /** Why one thread is used (undefined when the threaded build runs). */
  readonly threadsReason: string | undefined;
  domains(): string[];
  info(): ModelInfo;
  /** ImageBitmap and VideoFrame inputs are transferred to the worker (closed for the caller). */
  translate(image: ImageInput, target: Target): Promise<ImageData>;
  encode(image: ImageInput): Promise<Latent>;
  decode(latent: Latent, target: Target): Promise<ImageData>;
  /** Stops the worker; later calls reject. */
  terminate(): void;
}
