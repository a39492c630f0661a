//go:build !(js && wasm)

package playground

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// drawGraph needs the browser's Graphviz; natively it says so.
func drawGraph(ctx app.Context, _ string, done func(ctx app.Context, svg, err string), _ func(ctx app.Context, node int, detail string)) {
	done(ctx, "", "the state graph is drawn in the browser")
}

// graphZoom does nothing natively.
func graphZoom(float64) {}

// graphFit does nothing natively.
func graphFit() {}

// clearGraph does nothing natively.
func clearGraph() {}
