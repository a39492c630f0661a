// Loads the checker's WebAssembly in this dedicated worker (see wasm/worker).
importScripts("/wasm_exec.js");
const go = new Go();
WebAssembly.instantiateStreaming(fetch("/web/worker.wasm"), go.importObject)
  .then((r) => go.run(r.instance))
  .catch((e) => postMessage(JSON.stringify({ type: "error", id: 0, error: "the checker failed to load: " + e })));
