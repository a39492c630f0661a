package main

import (
	"os"
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
