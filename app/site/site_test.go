package site

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSiteHandler(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("<html>index</html>"), 0o644)
	os.MkdirAll(filepath.Join(dir, "web"), 0o755)
	os.WriteFile(filepath.Join(dir, "web", "app.wasm"), []byte("\x00asm"), 0o644)
	h := Handler(dir)
	get := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		return w
	}
	if w := get("/web/app.wasm"); w.Code != 200 || w.Header().Get("Content-Type") != "application/wasm" || w.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("wasm: %d %v", w.Code, w.Header())
	}
	if w := get("/some/route"); w.Code != 200 || !strings.Contains(w.Body.String(), "index") {
		t.Errorf("SPA fallback: %d %q", w.Code, w.Body.String())
	}
	if w := get("/web/missing.js"); w.Code != 404 {
		t.Errorf("missing file: %d", w.Code)
	}
	// Compressed for a client that accepts gzip, as Netlify serves it; the same bytes after.
	big := strings.Repeat("(module (func))\n", 4096)
	os.WriteFile(filepath.Join(dir, "web", "worker.wasm"), []byte(big), 0o644)
	r := httptest.NewRequest(http.MethodGet, "/web/worker.wasm", nil)
	r.Header.Set("Accept-Encoding", "gzip")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 || w.Header().Get("Content-Encoding") != "gzip" || w.Header().Get("Content-Type") != "application/wasm" || w.Body.Len() >= len(big)/10 {
		t.Fatalf("gzip: %d %v, %d bytes for %d", w.Code, w.Header(), w.Body.Len(), len(big))
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := io.ReadAll(zr); string(data) != big {
		t.Fatal("the gzip body is not the file")
	}
	if w := get("/web/worker.wasm"); w.Header().Get("Content-Encoding") != "" || w.Body.Len() != len(big) {
		t.Fatalf("without Accept-Encoding: %v, %d bytes", w.Header(), w.Body.Len())
	}
}
