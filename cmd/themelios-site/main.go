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

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/app/playground"
	"github.com/themelios/themelios/tutorials"
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
	}
}

func generate(out, static, version string) error {
	playground.Routes()
	all, err := tutorials.All()
	if err != nil {
		return err
	}
	var pages []string
	for _, t := range all {
		pages = append(pages, playground.TutorialPath+t.Slug)
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
