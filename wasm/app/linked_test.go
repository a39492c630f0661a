//go:build !(js && wasm)

package main

import (
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The page's WebAssembly, built as make site builds it (against go-app without its server
// half, cmd/goapp-client), links neither a model nor net/http: the models run in the checker's
// worker, and the page fetches with the browser's fetch. net/http's client alone brought
// net/http, crypto/tls and x509 into the page, 1.2 MB of its 3.4 MB gzipped; go-app's server
// side, which imports net/http, kept their package initialisers, 0.45 MB more. The test reads
// which functions the linker kept, from the binary's name section.
func TestPageLinks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the page's WebAssembly")
	}
	dir := t.TempDir()
	prepare := exec.Command("go", "run", "../../cmd/goapp-client", "-o", dir)
	if msg, err := prepare.CombinedOutput(); err != nil {
		t.Fatalf("goapp-client: %v\n%s", err, msg)
	}
	out := filepath.Join(dir, "app.wasm")
	cmd := exec.Command("go", "build", "-modfile="+filepath.Join(dir, "client.mod"), "-trimpath", "-o", out, ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "GOWORK=off") // -modfile: no workspace
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	names, err := functionNames(data)
	if err != nil {
		t.Fatal(err)
	}
	// The name section writes a package path with '_' for '/' and '.', and a method of *T as
	// __T_.
	forbidden := []string{
		"net_http.", "crypto_tls.", "crypto_x509.", "crypto_internal_fips140_ecdsa.", "crypto_rsa.",
		"github.com_themelios_themelios_models_orchestration.",
		"github.com_themelios_themelios_models_scenario.",
		"github.com_themelios_themelios_models_cluster.",
	}
	kept := map[string]int{}
	playground := 0
	for _, n := range names {
		for _, f := range forbidden {
			if strings.HasPrefix(n, f) {
				kept[f]++
			}
		}
		if strings.HasPrefix(n, "github.com_themelios_themelios_app_playground.") {
			playground++
		}
	}
	if len(kept) > 0 {
		t.Errorf("the page links functions it should not (package: functions): %v", kept)
	}
	if playground == 0 {
		t.Fatalf("no function of app/playground among %d: the name section was not read", len(names))
	}
}

// functionNames reads the function names of a WebAssembly module's "name" custom section.
func functionNames(b []byte) ([]string, error) {
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return nil, errors.New("not a WebAssembly module")
	}
	p := 8
	uleb := func(b []byte, p *int) int {
		v, n := binary.Uvarint(b[*p:])
		if n <= 0 {
			*p = len(b)
			return 0
		}
		*p += n
		return int(v)
	}
	for p < len(b) {
		id := b[p]
		p++
		size := uleb(b, &p)
		if size < 0 || p+size > len(b) {
			return nil, errors.New("truncated section")
		}
		sec := b[p : p+size]
		p += size
		if id != 0 {
			continue
		}
		q := 0
		l := uleb(sec, &q)
		if q+l > len(sec) || string(sec[q:q+l]) != "name" {
			continue
		}
		q += l
		for q < len(sec) {
			sub := sec[q]
			q++
			n := uleb(sec, &q)
			if q+n > len(sec) {
				return nil, errors.New("truncated name subsection")
			}
			if sub == 1 { // function names
				r := q
				count := uleb(sec, &r)
				var names []string
				for i := 0; i < count && r < q+n; i++ {
					uleb(sec, &r) // the function's index
					l := uleb(sec, &r)
					if r+l > len(sec) {
						return nil, errors.New("truncated function name")
					}
					names = append(names, string(sec[r:r+l]))
					r += l
				}
				return names, nil
			}
			q += n
		}
	}
	return nil, errors.New("no function names")
}
