package playground

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/wasm/protocol"
)

// runner runs checks off the page's thread and delivers the worker's messages on the UI
// goroutine.
type runner interface {
	start(ctx app.Context, req protocol.Request, on func(app.Context, protocol.Response))
	cancel()
}
