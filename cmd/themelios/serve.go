package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/themelios/themelios/app/site"
)

const serveUsage = `Usage: themelios serve [flags]

Serves the playground (the static site make site builds) until interrupted, as Netlify
does: compressed with gzip, and the WebAssembly with brotli for a browser that accepts it (once
compressed, a few seconds after the start).

Exit status: 0 stopped by Ctrl-C, 2 no site to serve, an address in use or bad usage.

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
	srv := &http.Server{Handler: site.Handler(*dir, true), ReadHeaderTimeout: 10 * time.Second}
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
