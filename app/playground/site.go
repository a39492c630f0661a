package playground

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// Routes registers the playground's pages; the WebAssembly entry point and the static site
// generator both call it, so that they agree.
func Routes() {
	app.Route("/", func() app.Composer { return &Playground{} })
}
