// Command goapp-client prepares the copy of go-app that the playground's page is built against
// in WebAssembly: go-app, at the version go.mod requires, without its server half.
//
// go-app compiles its HTTP handler into the browser's build as well (pkg/app's http.go and
// resource.go import net/http). Nothing in the browser calls it, but the linker keeps the
// package initialisers of net/http's dependencies (crypto/tls, x509, the FIPS 140 self-tests
// and curves): about 0.45 MB of the page's 2.2 MB gzipped, 1.9 MB for go-app's own hello
// world. The copy, written to DIR/go-app:
//   - has go.mod, LICENSE, and the non-test Go files of pkg/app and pkg/errors (what pkg/app
//     imports of its module);
//   - puts http.go and resource.go (the Handler, static resources, resource resolvers) behind
//     "//go:build !wasm";
//   - leaves out wasm.go, which in the browser only declares a GenerateStaticWebsite that
//     panics and the empty wasm_exec.js text the handler serves;
//   - adds client_wasm.go, written here: the one function of resource.go the client calls.
//
// It also writes DIR/client.mod and DIR/client.sum: this module's go.mod and go.sum, with
// go-app replaced by the copy. The page is then built with
//
//	GOOS=js GOARCH=wasm go build -modfile=DIR/client.mod ./wasm/app
//
// Everything else (the server, themelios serve, native builds and tests of the UI) uses go-app
// as go.mod says. The command fails when go.mod requires another version of go-app than the
// one its changes were made for (version), or when go-app's files are not as it expects: the
// copy is then to be reviewed, not guessed. (-modfile does not work in workspace mode: build
// with GOWORK=off.)
//
// Usage: goapp-client [-go GO] -o DIR (run from this module; GO is the go command, "go").
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// module is the module copied, at version.
const (
	module  = "github.com/maxence-charriere/go-app/v10"
	version = "v10.1.11"
)

// goCmd is the go command run.
var goCmd = "go"

// serverOnly are the files of pkg/app kept out of the WebAssembly build.
var serverOnly = []string{"http.go", "resource.go"}

// left are the files of pkg/app left out of the copy.
var left = []string{"wasm.go"}

// clientWasm is client_wasm.go. clientResourceResolver is what go-app's client (app.go, at
// v10.1.11) calls to resolve a resource's location: a remote URL, or a path outside /web, is
// kept; a path under /web is moved under the location of the static resources (go-app's
// GOAPP_STATIC_RESOURCES_URL).
const clientWasm = `//go:build wasm

// Written by themelios' cmd/goapp-client: the client's resolver of resource locations, in
// place of resource.go (server only in this copy).

package app

import "strings"

func clientResourceResolver(resources string) func(string) string {
	return func(location string) string {
		if strings.HasPrefix(location, "https://") || strings.HasPrefix(location, "http://") {
			return location
		}
		switch {
		case location == "web", location == "/web",
			strings.HasPrefix(location, "web/"), strings.HasPrefix(location, "/web/"):
		default:
			return location
		}
		path := strings.TrimPrefix(strings.Trim(location, "/"), "web/")
		return resources + "/" + path
	}
}
`

func main() {
	out := flag.String("o", "", "the directory to write the copy and client.mod into (replaced)")
	flag.StringVar(&goCmd, "go", goCmd, "the go command")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: goapp-client -o DIR")
		os.Exit(2)
	}
	if err := prepare(*out); err != nil {
		fmt.Fprintln(os.Stderr, "goapp-client:", err)
		os.Exit(1)
	}
}

// prepare writes the copy into dir/go-app, and dir/client.mod and dir/client.sum.
func prepare(dir string) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	src, err := moduleDir()
	if err != nil {
		return err
	}
	gomod, err := goEnv("GOMOD")
	if err != nil {
		return err
	}
	if gomod == "" || gomod == os.DevNull {
		return errors.New("not run from a module (go env GOMOD is empty)")
	}
	dst := filepath.Join(dir, "go-app")
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	for _, f := range []string{"go.mod", "LICENSE"} {
		if err := copyFile(filepath.Join(src, f), filepath.Join(dst, f), nil); err != nil {
			return err
		}
	}
	for _, pkg := range []string{"pkg/app", "pkg/errors"} {
		if err := copyPackage(filepath.Join(src, pkg), filepath.Join(dst, pkg)); err != nil {
			return err
		}
	}
	app := filepath.Join(dst, "pkg/app")
	for _, f := range left {
		if err := expectConstraint(filepath.Join(src, "pkg/app", f), "//go:build wasm\n"); err != nil {
			return err
		}
		if err := os.Remove(filepath.Join(app, f)); err != nil {
			return err
		}
	}
	for _, f := range serverOnly {
		if err := copyFile(filepath.Join(src, "pkg/app", f), filepath.Join(app, f), func(b []byte) ([]byte, error) {
			if bytes.Contains(b, []byte("//go:build")) {
				return nil, fmt.Errorf("%s already has a build constraint", f)
			}
			return append([]byte("//go:build !wasm\n\n"), b...), nil
		}); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(app, "client_wasm.go"), []byte(clientWasm), 0o644); err != nil {
		return err
	}
	mod := filepath.Join(dir, "client.mod")
	if err := copyFile(gomod, mod, nil); err != nil {
		return err
	}
	if err := copyFile(strings.TrimSuffix(gomod, ".mod")+".sum", filepath.Join(dir, "client.sum"), nil); err != nil {
		return err
	}
	return run(goCmd, "mod", "edit", "-replace="+module+"="+dst, mod)
}

// moduleDir returns the directory of the module's source at the version go.mod requires,
// downloading it if needed; it fails for another version than version.
func moduleDir() (string, error) {
	cmd := exec.Command(goCmd, "mod", "download", "-json", module)
	cmd.Stderr = os.Stderr
	b, runErr := cmd.Output() // on failure, the JSON still says why (its Error)
	var m struct{ Dir, Version, Error string }
	if err := json.Unmarshal(b, &m); err != nil {
		if runErr != nil {
			return "", fmt.Errorf("go mod download %s: %v", module, runErr)
		}
		return "", fmt.Errorf("go mod download %s: %v", module, err)
	}
	switch {
	case m.Error != "":
		return "", fmt.Errorf("go mod download %s: %s", module, m.Error)
	case runErr != nil || m.Dir == "":
		return "", fmt.Errorf("go mod download %s: %v (no directory)", module, runErr)
	case m.Version != version:
		return "", fmt.Errorf("go.mod requires %s %s; this copy's changes were made for %s: review them (cmd/goapp-client) for the new version", module, m.Version, version)
	}
	return m.Dir, nil
}

// copyPackage copies a package's non-test Go files.
func copyPackage(src, dst string) error {
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		if err := copyFile(filepath.Join(src, n), filepath.Join(dst, n), nil); err != nil {
			return err
		}
	}
	return nil
}

// copyFile copies src to dst (writable, whatever src's mode), through edit if not nil.
func copyFile(src, dst string, edit func([]byte) ([]byte, error)) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if edit != nil {
		if b, err = edit(b); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}

// expectConstraint fails unless the file at path starts with the build constraint c.
func expectConstraint(path, c string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(b, []byte(c)) {
		return fmt.Errorf("%s does not start with %q", path, strings.TrimSpace(c))
	}
	return nil
}

func goEnv(name string) (string, error) {
	b, err := output(goCmd, "env", name)
	return strings.TrimSpace(string(b)), err
}

func output(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return b, nil
}

func run(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return nil
}
