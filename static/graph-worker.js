// Lays out state graphs with Graphviz (viz.js) off the page's thread: DOT in, SVG out.
importScripts("/web/viz-global.js");
const viz = Viz.instance();
onmessage = (e) => {
  viz.then((v) => {
    try {
      postMessage({ svg: v.renderString(e.data, { format: "svg", engine: "dot" }) });
    } catch (err) {
      postMessage({ error: String(err) });
    }
  });
};
