package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

const serveUsage = `Usage: themelios serve [flags]

Serves the playground (the static site make site builds) until interrupted.

Flags:
`

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dir := fs.String("dir", "site", "the site `folder` (built by make site)")
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address`")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, serveUsage)
			printFlags(stdout, fs)
			return exitOK
		}
		return fail(stderr, "serve: %v", err)
	}
	if _, err := os.Stat(filepath.Join(*dir, "index.html")); err != nil {
		return fail(stderr, "serve: %s has no index.html: build the site first (make site)", *dir)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail(stderr, "serve: %v", err)
	}
	srv := &http.Server{Handler: SiteHandler(*dir), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	fmt.Fprintf(stdout, "serving the playground at http://%s/ (Ctrl-C stops)\n", ln.Addr())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "themelios: serve: %v\n", err)
		return exitUsage
	}
	return exitOK
}

// SiteHandler serves a built site as Netlify does: files as they are (WebAssembly as
// application/wasm), the site's pages without their .html, and index.html for any other path
// without an extension (the single-page app's routes). Nothing is cached across builds.
func SiteHandler(dir string) http.Handler {
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
