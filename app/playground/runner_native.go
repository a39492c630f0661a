//go:build !(js && wasm)

package playground

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/wasm/protocol"
)

// newRunner returns a runner for native builds (prerendering and tests): the check runs on a
// goroutine and its messages are dispatched to the UI goroutine.
func newRunner() runner { return &goroutineRunner{} }

type goroutineRunner struct{ gen int }

func (r *goroutineRunner) start(ctx app.Context, req protocol.Request, on func(app.Context, protocol.Response)) {
	r.gen++
	gen := r.gen
	ctx.Async(func() {
		protocol.Run(req, 100*time.Millisecond, func(resp protocol.Response) {
			ctx.Dispatch(func(ctx app.Context) {
				if gen == r.gen {
					on(ctx, resp)
				}
			})
		})
	})
}

// cancel forgets the running check's messages (the goroutine finishes on its own).
func (r *goroutineRunner) cancel() { r.gen++ }
