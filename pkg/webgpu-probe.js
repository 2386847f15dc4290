// Whether WebGPU is worth using: the package's worker asks before it picks a build, and the
// wasm translator asks on `backend: 'auto'`.

/** Why WebGPU should not be used (no API, no adapter, a software adapter), or null. */
export async function whyNotWebGpu() {
  if (!globalThis.navigator?.gpu) return 'this browser offers no WebGPU';
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return 'the browser found no WebGPU adapter';
  const info = adapter.info ?? {};
  if (adapter.isFallbackAdapter || info.isFallbackAdapter || info.architecture === 'swiftshader') {
    return `the only WebGPU adapter is a software one (${info.architecture || info.description || 'fallback'}), slower than the CPU path`;
  }
  return null;
}
