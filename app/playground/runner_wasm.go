//go:build js && wasm

package playground

import (
	"encoding/json"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/wasm/protocol"
)

// newRunner returns a runner that checks in a dedicated Web Worker (static/worker.js), so that
// the page stays responsive: Go's WebAssembly runs on one thread without preemption.
func newRunner() runner { return &workerRunner{} }

type workerRunner struct {
	worker safejs.Value
	live   bool
	handle safejs.Func
	gen    int // counts the workers started, so that a late fallback spares a newer one
	// started: the worker took the request (it was ready); until then a cancel message would
	// be lost.
	started bool
	abort   func() // tells the caller that its check was cancelled before it started
}

// interruptWait is how long an interrupted check has to deliver its report before its worker
// is terminated.
const interruptWait = 2 * time.Second

// interrupt asks the worker to stop the check and post what it found so far; a worker that
// does not answer within interruptWait (a long step of the liveness pass) is terminated.
func (r *workerRunner) interrupt(ctx app.Context) {
	if !r.live {
		return
	}
	if !r.started {
		r.cancel()
		r.abort()
		return
	}
	r.worker.Call("postMessage", `{"type":"`+protocol.TypeCancel+`"}`)
	gen := r.gen
	time.AfterFunc(interruptWait, func() {
		ctx.Dispatch(func(app.Context) {
			if r.gen == gen {
				r.cancel()
			}
		})
	})
}

func (r *workerRunner) start(ctx app.Context, req protocol.Request, on func(app.Context, protocol.Response)) {
	r.cancel()
	ctor, err := safejs.Global().Get("Worker")
	if err == nil {
		r.worker, err = ctor.New("/web/worker.js")
	}
	if err != nil {
		on(ctx, protocol.Response{Type: protocol.TypeError, ID: req.ID, Error: "cannot start the checker's worker: " + err.Error()})
		return
	}
	r.live, r.started = true, false
	r.abort = func() {
		on(ctx, protocol.Response{Type: protocol.TypeError, ID: req.ID, Error: "cancelled before the check started"})
	}
	r.gen++
	data, _ := json.Marshal(req)
	r.handle, _ = safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		text := ""
		if len(args) > 0 {
			if d, err := args[0].Get("data"); err == nil {
				text, _ = d.String()
			}
		}
		resp, err := protocol.DecodeResponse([]byte(text))
		if err != nil {
			resp = protocol.Response{Type: protocol.TypeError, ID: req.ID, Error: err.Error()}
		}
		if resp.Type == protocol.TypeReady {
			r.worker.Call("postMessage", string(data))
			r.started = true
			return nil
		}
		ctx.Dispatch(func(ctx app.Context) { on(ctx, resp) })
		return nil
	})
	r.worker.Set("onmessage", r.handle.Value())
}

// cancel terminates the worker at once (the next check starts a fresh one).
func (r *workerRunner) cancel() {
	if r.live {
		r.worker.Call("terminate")
		r.handle.Release()
		r.live = false
	}
}
