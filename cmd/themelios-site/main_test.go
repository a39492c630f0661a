package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The site: each tutorial page prerendered with its text (readable before the WebAssembly has
// loaded, its explanations held back), and a service worker that does not fetch app.wasm a
// second time while the page loads it.
func TestGenerate(t *testing.T) {
	out := t.TempDir()
	static := t.TempDir()
	os.WriteFile(filepath.Join(static, "playground.css"), []byte("body{}"), 0o644)
	if err := generate(out, static, "test"); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(out, "tutorials", "02-kubernetes-59848.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Kubernetes 59848: two pods, one identity", "Can the identity db-0 run on two nodes at once?", "The explanation shows here once you have made your prediction"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the prerendered tutorial lacks %q", want)
		}
	}
	if strings.Contains(string(page), "Step through the run") {
		t.Error("the prerendered tutorial tells the explanation before the check")
	}
	sw, err := os.ReadFile(filepath.Join(out, "app-worker.js"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(sw), `resourcesToCache.filter((r) => !r.endsWith(".wasm"))`) || !strings.Contains(string(sw), "event.waitUntil(caches.open(cacheName).then((cache) => cache.put(request, copy)))") {
		t.Errorf("app-worker.js precaches the WebAssembly:\n%.600s", sw)
	}
}
