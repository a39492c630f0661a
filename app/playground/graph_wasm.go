//go:build js && wasm

package playground

import (
	"strconv"
	"strings"

	"github.com/hack-pad/safejs"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// drawGraph lays out dot with Graphviz (viz.js, loaded on first use) into the element with ID
// "graph", hands the SVG markup to done, and reports clicks on a node (its ID, from the node's
// name "s<ID>").
func drawGraph(ctx app.Context, dot string, done func(ctx app.Context, svg, err string), clicked func(ctx app.Context, node int)) {
	g := safejs.Global()
	fail := func(msg string) { ctx.Dispatch(func(ctx app.Context) { done(ctx, "", msg) }) }
	var render func()
	render = func() {
		viz, _ := g.Get("Viz")
		promise, err := viz.Call("instance")
		if err != nil {
			fail("Graphviz did not start: " + err.Error())
			return
		}
		var then safejs.Func
		then, _ = safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
			defer then.Release()
			svg, err := args[0].Call("renderSVGElement", dot)
			if err != nil {
				fail("Graphviz could not lay out the graph: " + err.Error())
				return nil
			}
			doc, _ := g.Get("document")
			box, _ := doc.Call("getElementById", "graph")
			box.Call("replaceChildren", svg)
			onClick, _ := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
				target, _ := args[0].Get("target")
				node, _ := target.Call("closest", "g.node")
				if node.IsNull() || node.IsUndefined() {
					return nil
				}
				title, _ := node.Call("querySelector", "title")
				name, _ := title.Get("textContent")
				text, _ := name.String()
				if id, err := strconv.Atoi(strings.TrimPrefix(text, "s")); err == nil {
					ctx.Dispatch(func(ctx app.Context) { clicked(ctx, id) })
				}
				return nil
			})
			box.Set("onclick", onClick.Value())
			markup, _ := svg.Get("outerHTML")
			text, _ := markup.String()
			ctx.Dispatch(func(ctx app.Context) { done(ctx, text, "") })
			return nil
		})
		promise.Call("then", then.Value())
	}
	if viz, _ := g.Get("Viz"); !viz.IsUndefined() {
		render()
		return
	}
	doc, _ := g.Get("document")
	script, _ := doc.Call("createElement", "script")
	script.Set("src", "/web/viz-global.js")
	var onload safejs.Func
	onload, _ = safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		defer onload.Release()
		render()
		return nil
	})
	script.Set("onload", onload.Value())
	head, _ := doc.Get("head")
	head.Call("appendChild", script)
}
