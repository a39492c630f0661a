package site

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

func TestSiteHandler(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("<html>index</html>"), 0o644)
	os.MkdirAll(filepath.Join(dir, "web"), 0o755)
	os.WriteFile(filepath.Join(dir, "web", "app.wasm"), []byte("\x00asm"), 0o644)
	h := Handler(dir, false)
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

// The WebAssembly goes out brotli-compressed to a client that accepts br, once compressed in
// the background; gzip before that, for a client that does not, and for a file built anew.
func TestBrotli(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "web"), 0o755)
	big := strings.Repeat("(module (func $f (result i32) (i32.const 42)))\n", 8192)
	file := filepath.Join(dir, "web", "app.wasm")
	os.WriteFile(file, []byte(big), 0o644)
	os.WriteFile(filepath.Join(dir, "web", "app.js"), []byte(big), 0o644)
	h := Handler(dir, false)
	if !h.Compressed(time.Minute) {
		t.Fatal("not compressed within a minute")
	}
	get := func(path, accept string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.Header.Set("Accept-Encoding", accept)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	w := get("/web/app.wasm", "gzip, deflate, br, zstd")
	if w.Code != 200 || w.Header().Get("Content-Encoding") != "br" || w.Header().Get("Content-Type") != "application/wasm" ||
		w.Header().Get("Vary") != "Accept-Encoding" || w.Header().Get("Cache-Control") != "no-cache" || w.Body.Len() >= len(big)/20 {
		t.Fatalf("brotli: %d %v, %d bytes for %d", w.Code, w.Header(), w.Body.Len(), len(big))
	}
	if data, err := io.ReadAll(brotli.NewReader(w.Body)); err != nil || string(data) != big {
		t.Fatalf("the brotli body is not the file: %v", err)
	}
	for _, c := range []struct{ path, accept, want string }{
		{"/web/app.wasm", "gzip", "gzip"},
		{"/web/app.wasm", "gzip, br;q=0", "gzip"},
		{"/web/app.js", "gzip, br", "gzip"}, // only the WebAssembly is precompressed
		{"/web/app.wasm", "", ""},
	} {
		if got := get(c.path, c.accept).Header().Get("Content-Encoding"); got != c.want {
			t.Errorf("%s with %q: %q, want %q", c.path, c.accept, got, c.want)
		}
	}
	// A site built anew: the stale compression is not served.
	os.WriteFile(file, []byte(big+"more"), 0o644)
	if w := get("/web/app.wasm", "br, gzip"); w.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("after a rebuild: %v", w.Header())
	}
	// ... and it is compressed again, then served so.
	deadline := time.Now().Add(time.Minute)
	for get("/web/app.wasm", "br").Header().Get("Content-Encoding") != "br" {
		if time.Now().After(deadline) {
			t.Fatal("the rebuilt file was not compressed again")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if data, err := io.ReadAll(brotli.NewReader(get("/web/app.wasm", "br").Body)); err != nil || string(data) != big+"more" {
		t.Fatalf("the rebuilt file's brotli body: %v", err)
	}
	// A second server of the same files shares the compression.
	if h2 := Handler(dir, false); !h2.Compressed(time.Minute) || h2.brs[0] != h.brs[0] || h2.brs[0].size != int64(len(big)+4) {
		t.Fatal("a new server of the rebuilt file did not share its compression")
	}
	if h3 := Handler(dir, false); h3.brs[0] != Handler(dir, false).brs[0] {
		t.Fatal("two servers of the same file compress it twice")
	}
}

// With best, the WebAssembly is compressed again at brotli's best quality, which replaces the
// first compression once done.
func TestBrotliBest(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "web"), 0o755)
	var b strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&b, "(func $f%d (result i32) (i32.const %d))\n", i, i*i%977)
	}
	big := b.String()
	os.WriteFile(filepath.Join(dir, "web", "worker.wasm"), []byte(big), 0o644)
	fast := Handler(dir, false)
	best := Handler(dir, true)
	if !fast.Compressed(time.Minute) || !best.Compressed(time.Minute) {
		t.Fatal("not compressed within a minute")
	}
	if best.brs[0] == fast.brs[0] || len(best.brs[0].data) >= len(fast.brs[0].data) {
		t.Fatalf("best %d bytes, fast %d", len(best.brs[0].data), len(fast.brs[0].data))
	}
	r := httptest.NewRequest(http.MethodGet, "/web/worker.wasm", nil)
	r.Header.Set("Accept-Encoding", "br")
	w := httptest.NewRecorder()
	best.ServeHTTP(w, r)
	if w.Body.Len() != len(best.brs[0].data) {
		t.Fatalf("sent %d bytes, not the best compression's %d", w.Body.Len(), len(best.brs[0].data))
	}
	if data, err := io.ReadAll(brotli.NewReader(w.Body)); err != nil || string(data) != big {
		t.Fatalf("best: %v, %v", err, w.Header())
	}
}
