// Package site serves the playground's built static site (make site) over HTTP, as Netlify
// would: for themelios serve, the browser tests and the benchmark.
package site

import (
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/gzhttp"
)

// Handler serves a built site as Netlify does: files as they are (WebAssembly as
// application/wasm), gzip-compressed for a client that accepts it (Netlify also offers brotli;
// this does not), the site's pages without their .html, and index.html for any other path
// without an extension (the single-page app's routes). Nothing is cached across builds.
func Handler(dir string) http.Handler {
	return gzhttp.GzipHandler(handler(dir))
}

// handler is Handler without the compression.
func handler(dir string) http.Handler {
	mime.AddExtensionType(".wasm", "application/wasm")
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean("/" + r.URL.Path)
		w.Header().Set("Cache-Control", "no-cache")
		if p != "/" && path.Ext(p) == "" {
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p)+".html")); err == nil {
				r.URL.Path = p + ".html"
			} else if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
				r.URL.Path = "/"
			}
		}
		if strings.HasSuffix(r.URL.Path, ".html") && r.URL.Path != "/index.html" {
			http.ServeFile(w, r, filepath.Join(dir, filepath.FromSlash(path.Clean(r.URL.Path))))
			return
		}
		files.ServeHTTP(w, r)
	})
}
