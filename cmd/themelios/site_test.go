package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

// The Netlify configuration must parse and keep its promises: the published folder is what
// make site builds, wasm is served as such and revalidated, and there is an SPA fallback.
func TestNetlifyConfig(t *testing.T) {
	data, err := os.ReadFile("../../netlify.toml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Build   struct{ Command, Publish string }
		Headers []struct {
			For    string
			Values map[string]string
		}
		Redirects []struct {
			From, To string
			Status   int
		}
	}
	if err := toml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Build.Publish != "site" || cfg.Build.Command != "make site" {
		t.Errorf("build %+v", cfg.Build)
	}
	headers := map[string]map[string]string{} // only looked up
	for _, h := range cfg.Headers {
		headers[h.For] = h.Values
	}
	if headers["/web/*"]["Cache-Control"] != "no-cache" || headers["/*.wasm"]["Content-Type"] != "application/wasm" ||
		!strings.Contains(headers["/*"]["Content-Security-Policy"], "worker-src 'self'") {
		t.Errorf("headers %+v", headers)
	}
	if len(cfg.Redirects) != 1 || cfg.Redirects[0].To != "/index.html" || cfg.Redirects[0].Status != 200 {
		t.Errorf("redirects %+v", cfg.Redirects)
	}
}

func TestSiteHandler(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("<html>index</html>"), 0o644)
	os.MkdirAll(filepath.Join(dir, "web"), 0o755)
	os.WriteFile(filepath.Join(dir, "web", "app.wasm"), []byte("\x00asm"), 0o644)
	h := SiteHandler(dir)
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
}
