package playground

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/wasm/protocol"
)

// runner runs checks off the page's thread and delivers the worker's messages on the UI
// goroutine.
type runner interface {
	start(ctx app.Context, req protocol.Request, on func(app.Context, protocol.Response))
	// cancel stops the check in progress at once, if any: nothing more of it is delivered.
	cancel()
	// interrupt asks the check to stop and deliver what it found so far (a result whose report
	// says the search was interrupted); a check that does not answer soon is cancelled.
	interrupt(ctx app.Context)
	// prepare readies the runner for a first check before it is asked for one (in the
	// browser, it starts the tab's worker if it has none, whose loading, compiling and
	// warm-up then overlap the reader's choice instead of delaying the verdict).
	prepare(ctx app.Context)
	// close stops the check in progress, if any: the page that holds the runner is gone (in
	// the browser, a worker running it is terminated; the tab's idle worker stays).
	close()
}

// explorer answers the page's requests about one run of the model (protocol.TypeExplore,
// TypeChoices, TypeGraph; wasm/engine.Explorer): in the browser in a Web Worker of its own, so
// that the page links no model; natively at once. on gets an explored or dot message, or an
// error message, on the UI goroutine.
type explorer interface {
	ask(ctx app.Context, req protocol.Request, on func(app.Context, protocol.Response))
	// close frees what the explorer holds (in the browser, its worker: a whole checker);
	// requests waiting are not answered (the page that asked is gone). A later ask starts
	// afresh.
	close()
}
