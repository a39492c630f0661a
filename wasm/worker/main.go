//go:build js && wasm

// Command worker is the checker as a WebAssembly program for a dedicated Web Worker (loaded by
// static/worker.js). It posts "ready", then runs each check request it receives (JSON, see
// wasm/protocol) in slices on the worker's thread, posting progress and the result. A cancel
// message stops the running check, which then posts what it found so far (the page terminates
// the worker if that takes too long). A request about one run (explore, choices, graph) is
// answered at once; the page sends those to a worker of their own (wasm/engine.Explorer).
// A check worker shares the checks it can with a helper worker (peer.go).
//
// go build optimises it with the profile default.pgo beside this file (profile-guided
// optimisation: hot calls inlined and hot interface calls devirtualised), a native CPU profile
// of the playground's checks that `make pgo` refreshes. On a warm worker in headless Chromium
// the 59848 check under symmetry took about 0.95x the time (three alternated runs of each
// build; within noise without symmetry, and on a fresh worker's first checks); natively the
// profile gave nothing measurable, so the CLI goes without.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/hack-pad/safejs"

	"github.com/themelios/themelios/wasm/engine"
	"github.com/themelios/themelios/wasm/protocol"
)

// progressEvery is how often progress is posted.
const progressEvery = 100 * time.Millisecond

func main() {
	// A check's garbage is short-lived successors: collect less often (the playground's
	// budget keeps the heap far below a tab's memory), but collect hard near the limit.
	debug.SetGCPercent(300)
	debug.SetMemoryLimit(protocol.MemoryLimit)
	ballast = make([]byte, ballastBytes)
	self := safejs.Global()
	if name, err := self.Get("name"); err == nil {
		if s, err := name.String(); err == nil && s == "helper" {
			helper(self)
			return
		}
	}
	post := func(r protocol.Response) {
		data, err := json.Marshal(r)
		if err != nil {
			data, _ = json.Marshal(protocol.Response{Type: protocol.TypeError, ID: r.ID, Error: err.Error()})
		}
		self.Call("postMessage", string(data))
	}
	stop := func() {} // cancels the running check; set and called on the JS thread only
	// Until the first request, the worker warms V8 up (engine.WarmUp); a check waits for the
	// warm-up to stop at its next slice.
	sleep := func() { time.Sleep(time.Millisecond) } // hands the thread back to JavaScript
	warm, endWarmUp := context.WithCancel(context.Background())
	warmed := make(chan struct{})
	var explorer engine.Explorer
	link := linkHelper(self)
	onMessage, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		text := ""
		if len(args) > 0 {
			if data, err := args[0].Get("data"); err == nil {
				text, _ = data.String()
			}
		}
		if protocol.IsCancel([]byte(text)) {
			stop()
			link.cancel()
			return nil
		}
		req, err := protocol.DecodeRequest([]byte(text))
		if err != nil {
			post(protocol.Response{Type: protocol.TypeError, ID: req.ID, Error: err.Error()})
			return nil
		}
		endWarmUp() // a worker that explores (the page's explorer) needs none either
		if req.Type != protocol.TypeCheck {
			// A request about one run: short, answered at once.
			post(answer(req, explorer.Handle))
			return nil
		}
		ctx, cancel := context.WithCancel(context.Background())
		stop = cancel
		// Never block inside a JS callback: the check runs on its own goroutine.
		go func() {
			defer func() {
				if v := recover(); v != nil { // a defect: say so, and stay up for the next check
					post(protocol.Response{Type: protocol.TypeError, ID: req.ID, Error: fmt.Sprintf("the checker failed: %v", v)})
				}
			}()
			<-warmed
			// Collect what the warm-up and the last check left, so that this check reuses
			// their memory (see reuseHeap).
			reuseHeap()
			// Sleeping hands the thread back to JavaScript, which delivers a cancel message.
			link.run(ctx, req, post, sleep)
		}()
		return nil
	})
	listen(self, onMessage, err, post, warm, warmed, sleep)
}

// listen takes the worker's messages with onMessage (made with error err), says it is ready,
// warms V8 up until warm ends (closing warmed then) and serves for ever.
func listen(self safejs.Value, onMessage safejs.Func, err error, post func(protocol.Response), warm context.Context, warmed chan struct{}, sleep func()) {
	if err != nil {
		panic(err)
	}
	if err := self.Set("onmessage", onMessage.Value()); err != nil {
		panic(err)
	}
	post(protocol.Response{Type: protocol.TypeReady})
	go func() {
		defer close(warmed)
		defer func() { recover() }() // a defect in a warm-up: the checks still run
		engine.WarmUp(warm, sleep)
	}()
	select {}
}

// helperLink is the check worker's side of its helper (peer.go).
type helperLink struct {
	w     safejs.Value // the helper Worker, if there is one
	ready bool         // it has loaded
	dead  bool         // it failed
	next  uint64       // the last check's number
	peer  *linkPeer    // the partitioned check running, if any
}

// linkHelper takes the helper static/worker.js started (self.themeliosHelper) and listens to it;
// without one (the explorer's worker), checks run here alone.
func linkHelper(self safejs.Value) *helperLink {
	l := &helperLink{}
	w, err := self.Get("themeliosHelper")
	if err != nil || w.IsUndefined() || w.IsNull() {
		return l
	}
	onMessage, err := onLinkMessage(func(b []byte) { l.peer.deliver(b) }, func(text string) {
		resp, err := protocol.DecodeResponse([]byte(text))
		switch {
		case err != nil:
		case resp.Type == protocol.TypeReady:
			l.ready = true
		case resp.Type == protocol.TypeError:
			if resp.ID == 0 { // its program failed to load, or exited (static/worker.js)
				l.dead = true
			} else if l.peer == nil || uint64(resp.ID) != l.peer.id {
				return // about an earlier check
			}
			l.peer.breakLink(errors.New("the checker's helper failed: " + resp.Error))
		}
	})
	if err != nil {
		return l
	}
	onError, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		l.dead = true
		l.peer.breakLink(errors.New("the checker's helper worker stopped"))
		return nil
	})
	if err != nil || w.Set("onmessage", onMessage.Value()) != nil || w.Set("onerror", onError.Value()) != nil {
		return l
	}
	l.w = w
	return l
}

// run runs a check request, shared with the helper when it is up and the checker can partition
// the check (engine.RunPartitioned says which).
func (l *helperLink) run(ctx context.Context, req protocol.Request, post func(protocol.Response), yield func()) {
	if !l.ready || l.dead {
		if !l.w.IsUndefined() && !l.ready { // (the zero Value is undefined)
			// A helper still loading and warming up would take a processor from this check:
			// it stops warming up (if its program is up to hear it).
			l.w.Call("postMessage", `{"type":"cancel"}`)
		}
		engine.RunContext(ctx, req, progressEvery, post, yield)
		return
	}
	l.next++
	id := l.next
	w := l.w
	peer := newLinkPeer(0, id, func(b []byte) error { return postBytes(w, b) })
	l.peer = peer
	defer func() { l.peer = nil }()
	started := func(partitioned bool) {
		if !partitioned {
			return
		}
		hr := req
		hr.ID = int(id)
		data, _ := json.Marshal(hr)
		if _, err := w.Call("postMessage", string(data)); err != nil {
			peer.breakLink(err)
		}
	}
	engine.RunPartitioned(ctx, req, peer, started, progressEvery, post, yield)
}

// cancel forwards a cancel to the helper, if it shares the running check.
func (l *helperLink) cancel() {
	if l.peer != nil {
		l.w.Call("postMessage", `{"type":"cancel"}`)
	}
}

// helper is the program of a check worker's helper: it runs as rank 1 the checks the check
// worker sends it, and posts it its parts, its errors and "ready" (see peer.go).
func helper(self safejs.Value) {
	post := func(r protocol.Response) {
		data, _ := json.Marshal(r)
		self.Call("postMessage", string(data))
	}
	sleep := func() { time.Sleep(time.Millisecond) }
	warm, endWarmUp := context.WithCancel(context.Background())
	warmed := make(chan struct{})
	var cur *linkPeer
	stop := func() {}
	turn := make(chan struct{}, 1) // one check at a time
	onMessage, err := onLinkMessage(func(b []byte) { cur.deliver(b) }, func(text string) {
		if protocol.IsCancel([]byte(text)) {
			stop()
			endWarmUp() // the check worker checks alone: leave it the processor
			return
		}
		req, err := protocol.DecodeRequest([]byte(text))
		if err != nil {
			post(protocol.Response{Type: protocol.TypeError, ID: req.ID, Error: err.Error()})
			return
		}
		endWarmUp()
		// A newer check: the last one, if it still waits for a part, is over.
		cur.breakLink(errors.New("a newer check started"))
		stop()
		ctx, cancel := context.WithCancel(context.Background())
		stop = cancel
		peer := newLinkPeer(1, uint64(req.ID), func(b []byte) error { return postBytes(self, b) })
		cur = peer
		go func() {
			defer func() {
				if v := recover(); v != nil {
					post(protocol.Response{Type: protocol.TypeError, ID: req.ID, Error: fmt.Sprintf("the checker failed: %v", v)})
				}
			}()
			<-warmed
			turn <- struct{}{}
			defer func() { <-turn }()
			reuseHeap()
			engine.RunPartitioned(ctx, req, peer, nil, progressEvery, post, sleep)
		}()
	})
	listen(self, onMessage, err, post, warm, warmed, sleep)
}

// onLinkMessage makes the handler of the messages between the checker's worker and its helper:
// a part (a Uint8Array) goes to part, a JSON message to text.
func onLinkMessage(part func([]byte), text func(string)) (safejs.Func, error) {
	return safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		if len(args) == 0 {
			return nil
		}
		data, err := args[0].Get("data")
		if err != nil {
			return nil
		}
		if b, ok := messageBytes(data); ok {
			part(b)
			return nil
		}
		s, _ := data.String()
		text(s)
		return nil
	})
}

// reuseHeap collects the garbage of the warm-up and of the worker's last check before a check
// starts. A WebAssembly program's memory only grows, and memory it has not touched yet costs
// much more than memory it reuses: V8 commits a page of it on the first write (in headless
// Chromium on this project's 2-core machine, about 6 µs a page: 1.7 s for 256 MiB). At the
// worker's garbage-collection percentage a check's heap grows to about four times what it
// holds live when the last collection ran, and the last check's results and garbage count
// in that: without this collection the 59848 check (27,744 states, 93 MiB allocated) grew
// the heap by about 70 MiB of fresh pages at each of its next runs in one worker.
func reuseHeap() { runtime.GC() }

// ballast is memory the worker holds and never touches, so that the collector does not run
// while the heap is small: the collector's goal is the GC percentage's multiple of what the
// last collection found live, the ballast included, so at least four times ballastBytes (128
// MiB). A check that allocates less runs without a collection, and a bigger one collects at
// about the same heap sizes as before. In WebAssembly a collection shares the worker's one
// thread, and while it marks, every pointer the check writes passes the write barrier: in
// headless Chromium, after a collection and on memory reused (reuseHeap), the 59848 check took
// 0.59 s under symmetry with a collection during the check and 0.47 s with the ballast and
// none; without symmetry 0.87 s with 1.3 collections a check and 0.75 s with 0.8. Pages never
// written cost no physical memory (V8 commits a page of a WebAssembly memory on its first
// write: a 512 MiB ballast left node's resident memory unchanged), but the ballast counts in
// the memory a check reports and in its memory bound (protocol.MaxMemory).
var ballast []byte

// ballastBytes is the ballast's size.
const ballastBytes = 32 << 20

// answer is handle's answer to req, or an error message if it panics (a defect: the worker
// stays up for the next request).
func answer(req protocol.Request, handle func(protocol.Request) protocol.Response) (resp protocol.Response) {
	defer func() {
		if v := recover(); v != nil {
			resp = protocol.Response{Type: protocol.TypeError, ID: req.ID, Error: fmt.Sprintf("the checker failed: %v", v)}
		}
	}()
	return handle(req)
}
