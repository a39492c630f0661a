//go:build !(js && wasm)

package playground

import (
	"context"
	"encoding/json"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/wasm/engine"
	"github.com/themelios/themelios/wasm/protocol"
)

// newRunner returns a runner for native builds (prerendering and tests): the check runs on a
// goroutine and its messages are dispatched to the UI goroutine.
func newRunner() runner { return &goroutineRunner{} }

type goroutineRunner struct {
	gen  int
	stop context.CancelFunc
}

func (r *goroutineRunner) start(ctx app.Context, req protocol.Request, on func(app.Context, protocol.Response)) {
	r.gen++
	gen := r.gen
	run, stop := context.WithCancel(context.Background())
	r.stop = stop
	ctx.Async(func() {
		engine.RunContext(run, req, 100*time.Millisecond, func(resp protocol.Response) {
			ctx.Dispatch(func(ctx app.Context) {
				if gen == r.gen {
					on(ctx, resp)
				}
			})
		}, nil)
	})
}

// interrupt stops the check, which delivers its report.
func (r *goroutineRunner) interrupt(app.Context) {
	if r.stop != nil {
		r.stop()
	}
}

// prepare has nothing to do natively.
func (r *goroutineRunner) prepare(app.Context) {}

// close stops the running check, if any.
func (r *goroutineRunner) close() {
	r.cancel()
	if r.stop != nil {
		r.stop()
	}
}

// cancel forgets the running check's messages (the goroutine finishes on its own).
func (r *goroutineRunner) cancel() { r.gen++ }

// newExplorer returns an explorer for native builds: it answers at once, on the caller's
// goroutine.
func newExplorer() explorer { return &inProcess{} }

type inProcess struct{ x engine.Explorer }

func (e *inProcess) close() { e.x = engine.Explorer{Make: e.x.Make} } // drops the model it built

func (e *inProcess) ask(ctx app.Context, req protocol.Request, on func(app.Context, protocol.Response)) {
	// Through JSON and the worker's validation, as in the browser.
	data, _ := json.Marshal(req)
	if r, err := protocol.DecodeRequest(data); err != nil {
		on(ctx, protocol.Response{Type: protocol.TypeError, ID: r.ID, Error: err.Error()})
		return
	}
	on(ctx, e.x.Handle(req))
}
