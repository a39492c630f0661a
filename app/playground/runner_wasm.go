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
// the page stays responsive: Go's WebAssembly runs on one thread without preemption. A runner
// holds a worker only while a check runs on it: it takes the tab's spare worker (or starts
// one) and gives it back when the check ends. One cancelled during a check is terminated;
// one that fails is dropped.
func newRunner() runner { return &workerRunner{} }

// spare is the tab's idle checker worker, loaded or loading, which the next check takes (nil:
// none). The tab's checks thus run one after another in one worker, whatever page or widget
// asks for them: one download and compilation of worker.wasm per tab instead of one per
// widget (tutorial 2 started three workers, now one), and the worker that warmed V8 up while
// the reader read (wasm/engine.WarmUp) serves them all. Touched on the page's thread only, as
// the runners are.
var spare *checkWorker

// busyWorkers counts the tab's workers that runners hold (a check runs, or waits for the
// worker to load): prepare starts no spare while one exists, since it comes back.
var busyWorkers int

// checkWorker is one Web Worker running the checker's program.
type checkWorker struct {
	value  safejs.Value
	handle safejs.Func
	ready  bool          // it has loaded (it posted "ready")
	gone   bool          // terminated: its late messages are ignored
	checks int           // the checks it has run: of two idle workers, the tab keeps the warmer
	owner  *workerRunner // the runner whose check it runs; nil while it is the spare
}

// takeWorker returns the tab's spare worker, or a new one, counted busy.
func takeWorker() (*checkWorker, error) {
	w := spare
	if w != nil {
		spare = nil
	} else {
		var err error
		if w, err = startWorker(); err != nil {
			return nil, err
		}
	}
	busyWorkers++
	return w, nil
}

// giveBack makes w, idle again, the tab's spare; of it and a spare the tab already has, the
// one that has run more checks stays (V8 has optimised more of its code) and the other is
// terminated.
func giveBack(w *checkWorker) {
	busyWorkers--
	w.owner = nil
	switch {
	case spare == nil:
		spare = w
	case w.checks > spare.checks:
		spare.terminate()
		spare = w
	default:
		w.terminate()
	}
}

// startWorker starts a worker; its messages go to its owner's check, if any.
func startWorker() (*checkWorker, error) {
	w := &checkWorker{}
	var err error
	w.value, w.handle, err = newWorker("checker", w.message)
	if err != nil {
		return nil, err
	}
	return w, nil
}

// message takes a message of the worker (err: it failed, or the message does not decode).
func (w *checkWorker) message(resp protocol.Response, err error) {
	if w.gone {
		return
	}
	// A worker that failed (an error event, a message that does not decode, or the worker's
	// own error: it could not load) cannot be trusted with the next check: it is dropped.
	failed := err != nil || resp.Type == protocol.TypeError && resp.ID == 0
	if resp.Type == protocol.TypeReady && !failed {
		w.ready = true
	}
	if w.owner != nil {
		w.owner.message(w, resp, err, failed)
		return
	}
	if failed {
		if spare == w {
			spare = nil
		}
		w.terminate()
	}
}

// terminate stops the worker for good.
func (w *checkWorker) terminate() {
	if w.gone {
		return
	}
	w.gone, w.owner = true, nil
	w.value.Call("terminate")
	w.handle.Release()
}

// drop terminates w, a worker a runner held.
func drop(w *checkWorker) {
	busyWorkers--
	w.terminate()
}

type workerRunner struct {
	w    *checkWorker // the worker its check runs on; nil when no check runs
	runs int          // counts the checks started, so that a late fallback spares a newer one

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
	if r.w == nil {
		return
	}
	if !r.w.ready { // it has not taken the request: a cancel message would be lost
		on, req := r.on, r.req
		r.cancel()
		on(ctx, protocol.Response{Type: protocol.TypeError, ID: req.ID, Error: "cancelled before the check started"})
		return
	}
	r.w.value.Call("postMessage", `{"type":"`+protocol.TypeCancel+`"}`)
	run := r.runs
	time.AfterFunc(interruptWait, func() {
		ctx.Dispatch(func(app.Context) {
			if r.runs == run && r.w != nil {
				r.cancel()
			}
		})
	})
}

func (r *workerRunner) start(ctx app.Context, req protocol.Request, on func(app.Context, protocol.Response)) {
	if r.w != nil {
		r.cancel() // a check still runs there: start afresh
	}
	r.ctx, r.req, r.on = ctx, req, on
	r.data, _ = json.Marshal(req)
	r.runs++
	w, err := takeWorker()
	if err != nil {
		on(ctx, protocol.Response{Type: protocol.TypeError, ID: req.ID, Error: "cannot start the checker's worker: " + err.Error()})
		return
	}
	r.w, w.owner = w, r
	if w.ready {
		w.value.Call("postMessage", string(r.data))
	} // else a loading worker takes the request when ready
}

// message takes a message of w, the worker of r's check (failed: w failed, see
// checkWorker.message).
func (r *workerRunner) message(w *checkWorker, resp protocol.Response, err error, failed bool) {
	if w != r.w {
		return
	}
	if failed {
		r.w = nil
		drop(w)
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
		w.value.Call("postMessage", string(r.data))
		return
	}
	if resp.ID != r.req.ID {
		return // a message of an earlier check
	}
	if resp.Type == protocol.TypeResult || resp.Type == protocol.TypeError {
		r.w = nil
		w.checks++
		giveBack(w) // idle again: the tab's next check may take it
	}
	ctx, on := r.ctx, r.on
	ctx.Dispatch(func(ctx app.Context) { on(ctx, resp) })
}

// prepare starts the tab's spare worker if the tab has no worker (spare or busy: a busy one
// comes back), so that downloading and compiling worker.wasm, and its warm-up, overlap the
// reader's choice instead of delaying the verdict (the playground prepares at mount, a
// tutorial as it opens and a widget at the prediction). A spare that fails meanwhile is
// dropped, and the next check starts a fresh one.
func (r *workerRunner) prepare(app.Context) {
	if spare == nil && busyWorkers == 0 {
		if w, err := startWorker(); err == nil {
			spare = w
		}
	}
}

// close stops the check in progress, if any (the page that holds the runner is gone); the
// tab's spare stays for the next page.
func (r *workerRunner) close() { r.cancel() }

// newWorker starts a Web Worker running the checker's program (static/worker.js) and hands
// each message it posts to on, decoded (err: it could not be), on the JavaScript thread. name
// is the worker's name: "checker" starts a helper that shares its checks, "explorer" none.
func newWorker(name string, on func(protocol.Response, error)) (safejs.Value, safejs.Func, error) {
	var w safejs.Value
	ctor, err := safejs.Global().Get("Worker")
	if err == nil {
		w, err = ctor.New("/web/worker.js", map[string]any{"name": name})
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
// check takes the spare or starts a fresh one); one still loading has not been given it, and
// becomes the tab's spare.
func (r *workerRunner) cancel() {
	w := r.w
	if w == nil {
		return
	}
	r.w = nil
	if w.ready {
		drop(w)
		return
	}
	giveBack(w)
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
	e.worker, e.handle, err = newWorker("explorer", func(resp protocol.Response, err error) {
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

func (e *workerExplorer) close() {
	e.stop()
	clear(e.pending)
}

// stop terminates the worker, if any, and drops the requests queued for it (the next request
// starts a fresh one).
func (e *workerExplorer) stop() {
	if e.live {
		e.worker.Call("terminate")
		e.handle.Release()
	}
	e.live, e.ready, e.queue = false, false, nil
}

// failAll answers every request waiting with an error and drops the worker (the next request
// starts a fresh one).
func (e *workerExplorer) failAll(msg string) {
	e.stop()
	for id, a := range e.pending {
		delete(e.pending, id)
		resp := protocol.Response{Type: protocol.TypeError, ID: id, Error: msg}
		a.ctx.Dispatch(func(ctx app.Context) { a.on(ctx, resp) })
	}
}
