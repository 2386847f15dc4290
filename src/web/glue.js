// JavaScript the wasm module calls (both browser builds). wasm-bindgen copies this file to
// snippets/ufdn-<hash>/src/web/glue.js in the package, four folders below default.ufdn.
export async function fetch_default_weights() {
  const url = new URL('../../../../default.ufdn', import.meta.url);
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`could not load the default model from ${url} (HTTP ${response.status}); serve default.ufdn beside the package's .wasm or pass weights to Translator.create(weights)`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

export function report_panic(message) {
  globalThis.ufdnLastPanic = message;
  console.error(`ufdn panicked: ${message}`);
}
