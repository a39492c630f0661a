// Loads the checker's WebAssembly in this dedicated worker (see wasm/worker). A check worker
// starts a helper, a nested worker running this script named "helper", and hands it the
// compiled module, so that it does not compile it again: the two share the checks the checker
// can partition (wasm/worker/peer.go). The playground's explorer worker is named "explorer"
// and starts none.
importScripts("/wasm_exec.js");
const go = new Go();
const failed = (e) => postMessage(JSON.stringify({ type: "error", id: 0, error: "the checker failed to load: " + e }));
if (self.name === "helper") {
  self.onmessage = (e) => {
    self.onmessage = null; // the program sets its own
    WebAssembly.instantiate(e.data.module, go.importObject)
      .then((instance) => go.run(instance))
      .then(() => failed("its program exited")) // a fatal error: the check worker stops sharing
      .catch(failed);
  };
} else {
  WebAssembly.instantiateStreaming(fetch("/web/worker.wasm"), go.importObject)
    .then((r) => {
      if (self.name !== "explorer" && typeof Worker !== "undefined") {
        try {
          const helper = new Worker("/web/worker.js?helper", { name: "helper" });
          helper.postMessage({ module: r.module });
          self.themeliosHelper = helper;
        } catch (e) {
          // no helper: the checks run here alone
        }
      }
      go.run(r.instance);
    })
    .catch(failed);
}
