//go:build js && wasm

package playground

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/wasm/protocol"
)

// newRunner returns a runner that checks in a dedicated Web Worker (static/worker.js), so that
// the page stays responsive: Go's WebAssembly runs on one thread without preemption. The
// worker stays alive between checks (loading and compiling it takes the better part of a
// second); one cancelled during a check is terminated and the next check starts a fresh one,
// one cancelled while it still loads is kept, and one that fails is dropped.
func newRunner() runner { return &workerRunner{} }

type workerRunner struct {
	worker safejs.Value
	live   bool // a worker exists
	ready  bool // it has loaded (it posted "ready")
	busy   bool // a check is asked of it (posted once it is ready)
	handle safejs.Func
	runs   int // counts the checks started, so that a late fallback spares a newer one
	gen    int // counts the workers started, so that a dropped one's late messages are ignored

	// The check in progress: its request, and where its messages go.
	ctx  app.Context
	req  protocol.Request
	data []byte
	on   func(app.Context, protocol.Response)
}

// interruptWait is how long an interrupted check has to deliver its report before its worker
// is terminated.
const interruptWait = 2 * time.Second

// interrupt asks the worker to stop the check and post what it found so far; a worker that
// does not answer within interruptWait (a long step of the liveness pass) is terminated.
func (r *workerRunner) interrupt(ctx app.Context) {
	if !r.live || !r.busy {
		return
	}
	if !r.ready { // it has not taken the request: a cancel message would be lost
		on, req := r.on, r.req
		r.cancel()
		on(ctx, protocol.Response{Type: protocol.TypeError, ID: req.ID, Error: "cancelled before the check started"})
		return
	}
	r.worker.Call("postMessage", `{"type":"`+protocol.TypeCancel+`"}`)
	run := r.runs
	time.AfterFunc(interruptWait, func() {
		ctx.Dispatch(func(app.Context) {
			if r.runs == run && r.busy {
				r.cancel()
			}
		})
	})
}

func (r *workerRunner) start(ctx app.Context, req protocol.Request, on func(app.Context, protocol.Response)) {
	if r.busy {
		r.cancel() // a check still runs there: start afresh
	}
	r.ctx, r.req, r.on, r.busy = ctx, req, on, true
	r.data, _ = json.Marshal(req)
	r.runs++
	if r.live {
		if r.ready {
			r.worker.Call("postMessage", string(r.data))
		}
		return // a loading worker takes the request when ready
	}
	if err := r.spawn(); err != nil {
		r.busy = false
		on(ctx, protocol.Response{Type: protocol.TypeError, ID: req.ID, Error: "cannot start the checker's worker: " + err.Error()})
	}
}

// prepare starts the worker before the first check (the playground does at mount), so that
// downloading and compiling worker.wasm, the better part of a second, or several on a slow
// network, is done by the time the reader asks for a check. A worker that fails meanwhile is
// dropped, and the next check starts a fresh one.
func (r *workerRunner) prepare(app.Context) {
	if !r.live {
		r.spawn()
	}
}

// close terminates the worker, busy or not (the page that holds the runner is gone).
func (r *workerRunner) close() {
	r.busy = false
	r.drop()
}

// drop terminates the worker, if any, and forgets it: the next check starts a fresh one.
func (r *workerRunner) drop() {
	if r.live {
		r.worker.Call("terminate")
		r.handle.Release()
	}
	r.live, r.ready = false, false
}

// spawn starts the worker; its messages go to the check asked of it, if any.
func (r *workerRunner) spawn() error {
	r.gen++
	gen := r.gen
	var err error
	r.worker, r.handle, err = newWorker(func(resp protocol.Response, err error) {
		if gen != r.gen || !r.live {
			return // a late message of a worker dropped since
		}
		// A worker that failed (an error event, a message that does not decode, or the
		// worker's own error: it could not load) cannot be trusted with the next check: it is
		// dropped, and the check asked of it, if any, told.
		if err != nil || resp.Type == protocol.TypeError && resp.ID == 0 {
			r.drop()
			if !r.busy {
				return
			}
			r.busy = false
			msg := resp.Error
			if err != nil {
				msg = err.Error()
			}
			resp = protocol.Response{Type: protocol.TypeError, ID: r.req.ID, Error: msg}
			ctx, on := r.ctx, r.on
			ctx.Dispatch(func(ctx app.Context) { on(ctx, resp) })
			return
		}
		if resp.Type == protocol.TypeReady {
			r.ready = true
			if r.busy {
				r.worker.Call("postMessage", string(r.data))
			}
			return
		}
		if !r.busy {
			return // nothing asked of it
		}
		if resp.ID != r.req.ID {
			return // a message of an earlier check
		}
		if resp.Type == protocol.TypeResult || resp.Type == protocol.TypeError {
			r.busy = false
		}
		ctx, on := r.ctx, r.on
		ctx.Dispatch(func(ctx app.Context) { on(ctx, resp) })
	})
	if err != nil {
		return err
	}
	r.live, r.ready = true, false
	return nil
}

// newWorker starts a Web Worker running the checker's program (static/worker.js) and hands
// each message it posts to on, decoded (err: it could not be), on the JavaScript thread.
func newWorker(on func(protocol.Response, error)) (safejs.Value, safejs.Func, error) {
	var w safejs.Value
	ctor, err := safejs.Global().Get("Worker")
	if err == nil {
		w, err = ctor.New("/web/worker.js")
	}
	if err != nil {
		return w, safejs.Func{}, err
	}
	h, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		text := ""
		if len(args) > 0 {
			if d, err := args[0].Get("data"); err == nil {
				text, _ = d.String()
			}
		}
		on(protocol.DecodeResponse([]byte(text)))
		return nil
	})
	if err == nil {
		err = w.Set("onmessage", h.Value())
	}
	// A worker that fails (its script cannot load, or its program exits) says so here, else
	// it would fall silent.
	fail := func(_ safejs.Value, args []safejs.Value) any {
		msg := "the checker's worker failed"
		if len(args) > 0 {
			if m, err := args[0].Get("message"); err == nil {
				if text, err := m.String(); err == nil && text != "" {
					msg += ": " + text
				}
			}
		}
		on(protocol.Response{}, errors.New(msg))
		return nil
	}
	var onFail safejs.Func
	if err == nil {
		if onFail, err = safejs.FuncOf(fail); err == nil {
			if err = w.Set("onerror", onFail.Value()); err == nil {
				err = w.Set("onmessageerror", onFail.Value())
			}
		}
	}
	if err != nil {
		w.Call("terminate")
		return w, h, err
	}
	return w, h, nil
}

// cancel stops the check in progress at once: a worker running it is terminated (the next
// check starts a fresh one); one still loading has not been given it, and is kept for the
// next check; an idle worker is kept.
func (r *workerRunner) cancel() {
	if !r.busy {
		return
	}
	r.busy = false
	if r.ready {
		r.drop()
	}
}

// newExplorer returns an explorer that asks a Web Worker of its own (static/worker.js, the
// checker's program), started at the first request and kept: a check's worker may be busy or
// terminated while the reader steps through a trace.
func newExplorer() explorer { return &workerExplorer{pending: map[int]asked{}} }

type workerExplorer struct {
	worker  safejs.Value
	handle  safejs.Func
	live    bool     // a worker exists
	ready   bool     // it has loaded
	queue   []string // requests waiting for it to load
	pending map[int]asked
	ids     int
}

// asked is a request waiting for its answer.
type asked struct {
	ctx app.Context
	on  func(app.Context, protocol.Response)
}

func (e *workerExplorer) ask(ctx app.Context, req protocol.Request, on func(app.Context, protocol.Response)) {
	e.ids++
	req.ID = e.ids
	data, _ := json.Marshal(req)
	e.pending[req.ID] = asked{ctx, on}
	if !e.live && !e.start() {
		return
	}
	if e.ready {
		e.worker.Call("postMessage", string(data))
	} else {
		e.queue = append(e.queue, string(data))
	}
}

// start starts the worker; on failure every request waiting gets the error.
func (e *workerExplorer) start() bool {
	var err error
	e.worker, e.handle, err = newWorker(func(resp protocol.Response, err error) {
		switch {
		case err != nil: // the worker cannot be trusted with the next request
			e.failAll(err.Error())
		case resp.Type == protocol.TypeReady:
			e.ready = true
			for _, q := range e.queue {
				e.worker.Call("postMessage", q)
			}
			e.queue = nil
		case resp.Type == protocol.TypeError && resp.ID == 0: // it could not load
			e.failAll(resp.Error)
		default:
			if a, ok := e.pending[resp.ID]; ok {
				delete(e.pending, resp.ID)
				a.ctx.Dispatch(func(ctx app.Context) { a.on(ctx, resp) })
			}
		}
	})
	if err != nil {
		e.failAll("cannot start the checker's worker: " + err.Error())
		return false
	}
	e.live, e.ready = true, false
	return true
}

// failAll answers every request waiting with an error and drops the worker (the next request
// starts a fresh one).
func (e *workerExplorer) failAll(msg string) {
	if e.live {
		e.worker.Call("terminate")
		e.handle.Release()
	}
	e.live, e.ready, e.queue = false, false, nil
	for id, a := range e.pending {
		delete(e.pending, id)
		resp := protocol.Response{Type: protocol.TypeError, ID: id, Error: msg}
		a.ctx.Dispatch(func(ctx app.Context) { a.on(ctx, resp) })
	}
}
