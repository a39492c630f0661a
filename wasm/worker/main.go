//go:build js && wasm

// Command worker is the checker as a WebAssembly program for a dedicated Web Worker (loaded by
// static/worker.js). It posts "ready", then runs each check request it receives (JSON, see
// wasm/protocol) in slices on the worker's thread, posting progress and the result. A cancel
// message stops the running check, which then posts what it found so far (the page terminates
// the worker if that takes too long). A request about one run (explore, choices, graph) is
// answered at once; the page sends those to a worker of their own (wasm/engine.Explorer).
package main

import (
	"context"
	"encoding/json"
	"fmt"
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
	self := safejs.Global()
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
	onMessage, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		text := ""
		if len(args) > 0 {
			if data, err := args[0].Get("data"); err == nil {
				text, _ = data.String()
			}
		}
		if protocol.IsCancel([]byte(text)) {
			stop()
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
			// Sleeping hands the thread back to JavaScript, which delivers a cancel message.
			engine.RunContext(ctx, req, progressEvery, post, sleep)
		}()
		return nil
	})
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
