//go:build js && wasm

package playground

import (
	"errors"
	"fmt"

	"github.com/hack-pad/safejs"

	"github.com/themelios/themelios/wasm/protocol"
)

// maxTutorialBytes bounds a tutorial's JSON (the largest is about 60 KB).
const maxTutorialBytes = 1 << 20

// fetchTutorial loads /web/tutorials/<slug>.json from the site with the browser's fetch. It
// blocks, so it runs on a goroutine of its own. Errors: the request failed (offline), the
// server answered other than 200 (no such tutorial), the body exceeds 1 MiB, or it does not
// decode.
//
// The page calls the browser's fetch rather than net/http's client: the client's transport
// links net/http, crypto/tls and x509 into the page, about a megabyte of gzipped WebAssembly
// for one GET.
func fetchTutorial(slug string) (protocol.Tutorial, error) {
	data, err := fetchBytes("/web/tutorials/"+slug+".json", maxTutorialBytes)
	if err != nil {
		return protocol.Tutorial{}, fmt.Errorf("no tutorial %q: %w", slug, err)
	}
	return protocol.DecodeTutorial(data)
}

// fetchBytes GETs url (relative to the page) and returns its body, at most limit bytes.
func fetchBytes(url string, limit int) ([]byte, error) {
	g := safejs.Global()
	fetch, err := g.Get("fetch")
	if err != nil {
		return nil, err
	}
	promise, err := fetch.Invoke(url)
	if err != nil {
		return nil, err
	}
	resp, err := await(promise)
	if err != nil {
		return nil, err
	}
	if ok, _ := get(resp, "ok").Bool(); !ok {
		status, _ := get(resp, "status").Int()
		text, _ := get(resp, "statusText").String()
		return nil, fmt.Errorf("%d %s", status, text)
	}
	bodyPromise, err := resp.Call("arrayBuffer")
	if err != nil {
		return nil, err
	}
	buf, err := await(bodyPromise)
	if err != nil {
		return nil, err
	}
	n, err := get(buf, "byteLength").Int()
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, fmt.Errorf("%d bytes, more than %d", n, limit)
	}
	ctor, err := g.Get("Uint8Array")
	if err != nil {
		return nil, err
	}
	view, err := ctor.New(buf)
	if err != nil {
		return nil, err
	}
	data := make([]byte, n)
	if _, err := safejs.CopyBytesToGo(data, view); err != nil {
		return nil, err
	}
	return data, nil
}

// await blocks until promise settles, and gives what it resolved to or the reason it was
// rejected.
func await(promise safejs.Value) (safejs.Value, error) {
	type settled struct {
		v   safejs.Value
		err error
	}
	ch := make(chan settled, 1)
	onResolve, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		ch <- settled{v: args[0]}
		return nil
	})
	if err != nil {
		return safejs.Value{}, err
	}
	defer onResolve.Release()
	onReject, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		msg := "rejected"
		if len(args) > 0 {
			if s, err := args[0].Call("toString"); err == nil {
				msg, _ = s.String()
			}
		}
		ch <- settled{err: errors.New(msg)}
		return nil
	})
	if err != nil {
		return safejs.Value{}, err
	}
	defer onReject.Release()
	if _, err := promise.Call("then", onResolve.Value(), onReject.Value()); err != nil {
		return safejs.Value{}, err
	}
	s := <-ch
	return s.v, s.err
}

// get reads property p of v, undefined when v has none.
func get(v safejs.Value, p string) safejs.Value {
	r, err := v.Get(p)
	if err != nil {
		return safejs.Undefined()
	}
	return r
}

// preloaded is false in the browser: the tutorial is fetched.
func preloaded(string) (protocol.Tutorial, bool) { return protocol.Tutorial{}, false }
