// Lays out state graphs with Graphviz (viz.js) off the page's thread: DOT in, {svg} out, or
// {error} when Graphviz cannot lay the graph out, {loadError} when it cannot start. (A failed
// importScripts is the Worker's error event, which the page listens to.)
importScripts("/web/viz-global.js");
const viz = Viz.instance();
onmessage = (e) => {
  viz.then(
    (v) => {
      try {
        postMessage({ svg: v.renderString(e.data, { format: "svg", engine: "dot" }) });
      } catch (err) {
        postMessage({ error: String(err) });
      }
    },
    (err) => postMessage({ loadError: String(err) }),
  );
};
