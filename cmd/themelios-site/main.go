// Command themelios-site writes the playground's static site (make site): go-app's prerendered
// pages (the playground and one per tutorial), its loader and service worker, the tutorials
// rendered to JSON (web/tutorials/<slug>.json), and the files of static/. The WebAssembly binaries
// (web/app.wasm, web/worker.wasm) are built by make site.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/app/playground"
	"github.com/themelios/themelios/tutorials"
	"github.com/themelios/themelios/wasm/protocol"
)

func main() {
	out := flag.String("out", "site", "output `folder`")
	static := flag.String("static", "static", "folder of files served as they are, copied to web/")
	version := flag.String("version", "dev", "site version (the service worker refreshes its cache when it changes)")
	flag.Parse()
	if err := generate(*out, *static, *version); err != nil {
		fmt.Fprintln(os.Stderr, "themelios-site:", err)
		os.Exit(1)
	}
}

// Handler describes the site to go-app.
func handler(version string) *app.Handler {
	return &app.Handler{
		Name:         "Themelios",
		ShortName:    "Themelios",
		Title:        "Themelios playground",
		Description:  "Model-check Kubernetes-style control planes in the browser",
		Icon:         app.Icon{Default: "/web/icon.svg", SVG: "/web/icon.svg"},
		Styles:       []string{"/web/playground.css"},
		Version:      version,
		LoadingLabel: "Loading the playground…",
		// The UI's WebAssembly is fetched from the start, while the page and go-app's scripts
		// load (go-app's loader asks for it only once they have run): about 0.2 s sooner on a
		// first visit. The loader's fetch takes the preloaded response (same URL and
		// credentials), so it is fetched once.
		RawHeaders: []string{`<link rel="preload" href="/web/app.wasm" as="fetch" type="application/wasm" crossorigin="anonymous">`},
		// go-app's service worker, but for the WebAssembly: the page fetches app.wasm while the
		// worker installs, so precaching it too would fetch it twice on a first visit; it is
		// cached when next fetched through the worker instead.
		ServiceWorkerTemplate: serviceWorker(),
	}
}

// serviceWorker is go-app's app-worker.js template with the WebAssembly left out of the
// install-time cache and cached at its first fetch through the worker. It panics if go-app's
// template no longer has the lines it changes (a test builds the site).
func serviceWorker() string {
	s := app.DefaultAppWorkerJS
	for _, r := range [][2]string{
		{"await cache.addAll(resourcesToCache);", `await cache.addAll(resourcesToCache.filter((r) => !r.endsWith(".wasm")));`},
		{"event.respondWith(fetchWithCache(event.request));", "event.respondWith(fetchWithCache(event.request, event));"},
		{"async function fetchWithCache(request) {", "async function fetchWithCache(request, event) {"},
		{"  return await fetch(request);\n}", `  const response = await fetch(request);
  if (request.method === "GET" && response.ok && new URL(request.url).pathname.endsWith(".wasm")) {
    // cached in the background: the page streams the response meanwhile
    const copy = response.clone();
    event.waitUntil(caches.open(cacheName).then((cache) => cache.put(request, copy)));
  }
  return response;
}`},
	} {
		if !strings.Contains(s, r[0]) {
			panic("themelios-site: go-app's service worker template changed: no " + r[0])
		}
		s = strings.Replace(s, r[0], r[1], 1)
	}
	return s
}

func generate(out, static, version string) error {
	playground.Routes()
	all, err := tutorials.All()
	if err != nil {
		return err
	}
	var pages []string
	bySlug := map[string]protocol.Tutorial{}
	for _, t := range all {
		pages = append(pages, playground.TutorialPath+t.Slug)
		bySlug[t.Slug] = t
	}
	// Each tutorial page is prerendered with its text.
	playground.TutorialSource = func(slug string) (protocol.Tutorial, error) {
		if t, ok := bySlug[slug]; ok {
			return t, nil
		}
		return protocol.Tutorial{}, fmt.Errorf("no tutorial %q", slug)
	}
	if err := app.GenerateStaticWebsite(out, handler(version), pages...); err != nil {
		return err
	}
	web := filepath.Join(out, "web")
	if err := os.MkdirAll(filepath.Join(web, "tutorials"), 0o755); err != nil {
		return err
	}
	for _, t := range all {
		data, err := json.Marshal(t)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(web, "tutorials", t.Slug+".json"), data, 0o644); err != nil {
			return err
		}
	}
	return filepath.WalkDir(static, func(path string, d fs.DirEntry, err error) error {
		if d != nil && d.IsDir() && d.Name() == "vendor" {
			return filepath.SkipDir // npm packages: make site copies what it serves
		}
		if err != nil || d.IsDir() || filepath.Ext(path) == ".md" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(static, path)
		dst := filepath.Join(web, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
}
