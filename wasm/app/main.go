//go:build js && wasm

// Command app is the playground's user interface as WebAssembly (go-app, on the page's main
// thread). Checks run in a Web Worker (wasm/worker).
package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/app/playground"
)

func main() {
	playground.Routes()
	app.RunWhenOnBrowser()
}
