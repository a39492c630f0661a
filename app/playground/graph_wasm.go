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
// the SVG markup to done; and reports clicks on a node (its ID, from the node's name "s<ID>",
// and its tooltip: the state in full). The drawing opens fitted to its box; the wheel zooms
// about the pointer, a drag pans (graphView).
func drawGraph(ctx app.Context, dot string, done func(ctx app.Context, svg, err string), clicked func(ctx app.Context, node int, detail string)) {
	g := safejs.Global()
	if endDrawing != nil {
		endDrawing() // its layout is no longer wanted
	}
	drawings++
	gen := drawings
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
	// The worker answers once: the SVG, or Graphviz's error; or it fails to start (its
	// script or viz.js cannot be loaded: an error event, and no message ever).
	var onMessage, onError safejs.Func
	ended := false
	end := func() {
		if ended {
			return
		}
		ended = true
		onMessage.Release()
		onError.Release()
		w.Call("terminate")
		endDrawing = nil // it was this drawing's: a newer one ends this one first
	}
	endDrawing = end
	onError, _ = safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		defer end()
		if gen != drawings {
			return nil
		}
		msg := "its worker failed" // a script that cannot be fetched: an Event without a message
		if len(args) > 0 {
			if m, err := args[0].Get("message"); err == nil && m.Type() == safejs.TypeString {
				if s, err := m.String(); err == nil && s != "" {
					msg = s
				}
			}
		}
		fail("Graphviz could not start: " + msg)
		return nil
	})
	onMessage, _ = safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		defer end()
		if gen != drawings {
			return nil // the graph was taken down, or another drawn, meanwhile
		}
		data, _ := args[0].Get("data")
		if e, _ := data.Get("loadError"); !e.IsUndefined() {
			msg, _ := e.String()
			fail("Graphviz could not start: " + msg)
			return nil
		}
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
		view = newGraphView(box)
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
			if view != nil && view.dragged {
				view.dragged = false // the end of a pan, not a click
				return nil
			}
			target, _ := args[0].Get("target")
			node, _ := target.Call("closest", "g.node")
			if node.IsNull() || node.IsUndefined() {
				return nil
			}
			title, _ := node.Call("querySelector", "title")
			name, _ := title.Get("textContent")
			text, _ := name.String()
			detail := ""
			if a, err := node.Call("querySelector", "a"); err == nil && !a.IsNull() {
				if t, err := a.Call("getAttribute", "xlink:title"); err == nil && !t.IsNull() {
					detail, _ = t.String()
				}
			}
			if id, err := strconv.Atoi(strings.TrimPrefix(text, "s")); err == nil {
				ctx.Dispatch(func(ctx app.Context) { clicked(ctx, id, detail) })
			}
			return nil
		})
		box.Set("onclick", onClick.Value())
		box.Set("onkeydown", onClick.Value())
		ctx.Dispatch(func(ctx app.Context) { done(ctx, svg, "") })
		return nil
	})
	w.Set("onmessage", onMessage.Value())
	w.Set("onerror", onError.Value())
	w.Call("postMessage", dot)
}

// graphView is the drawn graph's view: the part of the drawing (its viewBox, in the drawing's
// units) shown in the box, which the wheel zooms and a drag pans.
type graphView struct {
	svg, box  safejs.Value
	full, cur [4]float64 // x, y, width, height
	down      bool
	at        [2]float64 // the pointer where the drag started
	from      [4]float64 // the view when it started
	dragged   bool       // the pointer moved since it went down: the click that ends it is not one
	handlers  []listener
}

// listener is an event handler added to the box.
type listener struct {
	event string
	f     safejs.Func
}

// release removes the view's handlers from its box and frees them.
func (v *graphView) release() {
	for _, h := range v.handlers {
		v.box.Call("removeEventListener", h.event, h.f.Value())
		h.f.Release()
	}
	v.handlers = nil
}

// view is the graph on display (nil before the first drawing).
var view *graphView

func num(v safejs.Value, name string) float64 {
	x, _ := v.Get(name)
	f, _ := x.Float()
	return f
}

// newGraphView fits the drawing in box, and listens to the wheel and to drags.
func newGraphView(box safejs.Value) *graphView {
	if view != nil {
		view.release()
	}
	el, err := box.Call("querySelector", "svg")
	if err != nil || el.IsNull() {
		return nil
	}
	vb, _ := el.Get("viewBox")
	base, _ := vb.Get("baseVal")
	v := &graphView{svg: el, box: box}
	v.full = [4]float64{num(base, "x"), num(base, "y"), num(base, "width"), num(base, "height")}
	el.Call("setAttribute", "width", "100%")
	el.Call("setAttribute", "height", "100%")
	v.cur = v.full
	v.apply()
	on := func(event string, f func(e safejs.Value), passive bool) {
		h, _ := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
			f(args[0])
			return nil
		})
		v.handlers = append(v.handlers, listener{event, h})
		opts, _ := safejs.ValueOf(map[string]any{"passive": passive})
		box.Call("addEventListener", event, h.Value(), opts)
	}
	on("wheel", func(e safejs.Value) {
		e.Call("preventDefault")
		f := 1.2
		if num(e, "deltaY") < 0 {
			f = 1 / f
		}
		v.zoomAt(f, num(e, "clientX"), num(e, "clientY"))
	}, false)
	on("pointerdown", func(e safejs.Value) {
		v.down, v.dragged, v.at, v.from = true, false, [2]float64{num(e, "clientX"), num(e, "clientY")}, v.cur
	}, true)
	on("pointermove", func(e safejs.Value) {
		if !v.down {
			return
		}
		dx, dy := num(e, "clientX")-v.at[0], num(e, "clientY")-v.at[1]
		if dx*dx+dy*dy > 16 {
			v.dragged = true
		}
		if v.dragged {
			s := v.scale()
			v.cur[0], v.cur[1] = v.from[0]-dx*s, v.from[1]-dy*s
			v.apply()
		}
	}, true)
	for _, ev := range []string{"pointerup", "pointerleave"} {
		on(ev, func(safejs.Value) { v.down = false }, true)
	}
	return v
}

// scale is the drawing's units per CSS pixel: the view is fitted, aspect kept, in the box.
func (v *graphView) scale() float64 {
	w, h := num(v.box, "clientWidth"), num(v.box, "clientHeight")
	if w <= 0 || h <= 0 {
		return 1
	}
	return max(v.cur[2]/w, v.cur[3]/h)
}

func (v *graphView) apply() {
	v.svg.Call("setAttribute", "viewBox", strconv.FormatFloat(v.cur[0], 'f', 1, 64)+" "+strconv.FormatFloat(v.cur[1], 'f', 1, 64)+" "+
		strconv.FormatFloat(v.cur[2], 'f', 1, 64)+" "+strconv.FormatFloat(v.cur[3], 'f', 1, 64))
}

// zoomAt scales the view by f (below 1: closer) about the point at client coordinates (x, y).
func (v *graphView) zoomAt(f, x, y float64) {
	r, err := v.box.Call("getBoundingClientRect")
	if err != nil {
		return
	}
	s := v.scale()
	// the drawing's point under the pointer, with the view centred in the box
	w, h := num(v.box, "clientWidth"), num(v.box, "clientHeight")
	px := v.cur[0] + v.cur[2]/2 + (x-num(r, "left")-w/2)*s
	py := v.cur[1] + v.cur[3]/2 + (y-num(r, "top")-h/2)*s
	nw, nh := v.cur[2]*f, v.cur[3]*f
	if nw < v.full[2]/200 || nw > v.full[2]*4 {
		return
	}
	v.cur = [4]float64{px - (px-v.cur[0])*f, py - (py-v.cur[1])*f, nw, nh}
	v.apply()
}

// graphZoom zooms the graph on display by f about the middle of its box (below 1: closer).
func graphZoom(f float64) {
	if view == nil {
		return
	}
	r, err := view.box.Call("getBoundingClientRect")
	if err != nil {
		return
	}
	view.zoomAt(f, num(r, "left")+num(view.box, "clientWidth")/2, num(r, "top")+num(view.box, "clientHeight")/2)
}

// graphFit shows the whole drawing in its box.
func graphFit() {
	if view != nil {
		view.cur = view.full
		view.apply()
	}
}

// drawings counts the drawings started and taken down: a layout that finishes after its graph
// was taken down (or another was asked for) is dropped.
var drawings int

// endDrawing ends the drawing in progress, if any (its worker terminated, its callbacks freed).
var endDrawing func()

// clearGraph takes the drawing off the page (and drops a layout still running).
func clearGraph() {
	if endDrawing != nil {
		endDrawing() // a layout still running: its worker is terminated
	}
	drawings++
	if view != nil {
		view.release()
		view = nil
	}
	doc, err := safejs.Global().Get("document")
	if err != nil {
		return
	}
	if box, err := doc.Call("getElementById", "graph"); err == nil && !box.IsNull() {
		box.Set("innerHTML", "")
	}
}
