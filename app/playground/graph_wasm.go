//go:build js && wasm

package playground

import (
	"strconv"
	"strings"

	"github.com/hack-pad/safejs"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// drawGraph lays out dot with Graphviz in a Web Worker (static/graph-worker.js, viz.js), so that
// a large layout never freezes the page; puts the SVG into the element with ID "graph"; hands
// the SVG markup to done; and reports clicks on a node (its ID, from the node's name "s<ID>").
func drawGraph(ctx app.Context, dot string, done func(ctx app.Context, svg, err string), clicked func(ctx app.Context, node int)) {
	g := safejs.Global()
	fail := func(msg string) { ctx.Dispatch(func(ctx app.Context) { done(ctx, "", msg) }) }
	ctor, err := g.Get("Worker")
	var w safejs.Value
	if err == nil {
		w, err = ctor.New("/web/graph-worker.js")
	}
	if err != nil {
		fail("Graphviz could not start: " + err.Error())
		return
	}
	var onMessage safejs.Func
	onMessage, _ = safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		defer onMessage.Release()
		defer w.Call("terminate")
		data, _ := args[0].Get("data")
		if e, _ := data.Get("error"); !e.IsUndefined() {
			msg, _ := e.String()
			fail("Graphviz could not lay out the graph: " + msg)
			return nil
		}
		v, _ := data.Get("svg")
		svg, _ := v.String()
		doc, _ := g.Get("document")
		box, _ := doc.Call("getElementById", "graph")
		box.Set("innerHTML", svg)
		// Nodes are focusable, and Enter or Space opens one, as a click does.
		nodes, _ := box.Call("querySelectorAll", "g.node")
		if n, err := nodes.Length(); err == nil {
			for i := 0; i < n; i++ {
				node, _ := nodes.Index(i)
				node.Call("setAttribute", "tabindex", "0")
				node.Call("setAttribute", "role", "button")
			}
		}
		onClick, _ := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
			kind, _ := args[0].Get("type")
			if k, _ := kind.String(); k == "keydown" {
				key, _ := args[0].Get("key")
				k, _ := key.String()
				if k != "Enter" && k != " " {
					return nil
				}
			}
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
		box.Set("onkeydown", onClick.Value())
		ctx.Dispatch(func(ctx app.Context) { done(ctx, svg, "") })
		return nil
	})
	w.Set("onmessage", onMessage.Value())
	w.Call("postMessage", dot)
}
