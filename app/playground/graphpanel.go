package playground

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/wasm/protocol"
)

// GraphPanel is the state graph's panel: it offers to draw the states a check explored (the
// worker captures them), or the trace on display and every state one step from it (as the
// CLI's graph --trace); the drawing opens fitted to its box, zooms and pans, and a click on a
// node shows its state. The page gives it what it may draw; a new check or trace takes the
// drawing down.
type GraphPanel struct {
	app.Compo

	Graph  *checker.GraphReport // the explored states, nil for none
	Unique int64                // the check's distinct states (the graph is capped)
	Path   []int                // the trace on display, as a path; nil for none
	Loop   int                  // for a lasso, the state its last step returns to; -1 for none
	// TraceGraph asks for the DOT of the trace along a path and its neighbourhood (loop: a
	// lasso's, -1 for none), answered through on; ModelKey names the model it is of (target and
	// settings).
	TraceGraph func(ctx app.Context, path []int, loop int, on func(ctx app.Context, dot string, nodes int, err error))
	ModelKey   string

	status graphStatus
	err    string // why the graph could not be drawn (graphFailed)
	mode   string // "explored" or "trace"
	dot    string // the DOT drawn
	nodes  int    // its states
	node   int    // the node clicked (explored mode), -1 for none
	detail string // the node clicked's state (trace mode)
	svg    string // the drawing, for download
	drawn  string // what the drawing is of (drawnKey), to take it down when that changes
}

// graphStatus is where the drawing of the state graph stands.
type graphStatus uint8

const (
	graphNone    graphStatus = iota // nothing drawn
	graphDrawing                    // Graphviz is laying it out
	graphDrawn                      // on the page
	graphFailed                     // it could not be drawn (err says why)
)

// drawnKey names what a drawing in mode is of: the explored graph, or the trace's path.
func (g *GraphPanel) drawnKey(mode string) string {
	if mode == "trace" {
		return fmt.Sprintf("trace %t %v %d %s", g.Path != nil, g.Path, g.Loop, g.ModelKey)
	}
	return fmt.Sprintf("explored %p", g.Graph)
}

// OnUpdate takes the drawing down when what it was of is no longer on the page.
func (g *GraphPanel) OnUpdate(app.Context) {
	if g.status != graphNone && g.drawn != g.drawnKey(g.mode) {
		g.reset()
	}
}

// OnDismount drops a layout still running: the page is gone.
func (g *GraphPanel) OnDismount() { clearGraph() }

func (g *GraphPanel) reset() {
	g.status, g.err, g.mode, g.dot, g.nodes, g.node, g.detail, g.svg, g.drawn = graphNone, "", "", "", 0, -1, "", "", ""
	clearGraph()
}

func (g *GraphPanel) draw(ctx app.Context, mode, dot string, nodes int) {
	g.status, g.err, g.mode, g.dot, g.nodes, g.node, g.detail, g.drawn = graphDrawing, "", mode, dot, nodes, -1, "", g.drawnKey(mode)
	drawGraph(ctx, dot, func(_ app.Context, svg, err string) {
		g.status, g.svg = graphDrawn, svg
		if err != "" {
			g.status, g.err = graphFailed, err
		}
	}, func(_ app.Context, node int, detail string) { g.node, g.detail = node, detail })
}

// drawTrace draws the trace on display and its neighbourhood.
func (g *GraphPanel) drawTrace(ctx app.Context) {
	key := g.drawnKey("trace")
	g.status, g.err, g.mode, g.drawn, g.dot, g.nodes = graphDrawing, "", "trace", key, "", 0
	g.TraceGraph(ctx, g.Path, g.Loop, func(ctx app.Context, dot string, nodes int, err error) {
		if g.drawn != key {
			return // the trace changed meanwhile
		}
		if err != nil {
			g.status, g.err = graphFailed, "the trace's graph cannot be drawn: "+err.Error()
			return
		}
		g.draw(ctx, "trace", dot, nodes)
	})
}

// note says what the graph on offer or drawn shows.
func (g *GraphPanel) note() string {
	if g.mode == "trace" && g.status == graphDrawing && g.dot == "" {
		return "Asking the checker for the trace's neighbourhood…"
	}
	if g.mode == "trace" && g.status != graphNone {
		return fmt.Sprintf("The trace on display and every state one step from it: %d states, the trace in red.", g.nodes)
	}
	if g.Graph == nil {
		return ""
	}
	note := fmt.Sprintf("%d states.", len(g.Graph.States))
	if g.Graph.Truncated {
		note = fmt.Sprintf("Capped at the first %d states explored (of %s).", len(g.Graph.States), checker.Thousands(g.Unique))
	}
	if g.Graph.Orbits {
		note += " One state per orbit (symmetry): an arrow leads to the state drawn for its successor's orbit, which may be the successor with nodes or replicas exchanged."
		if g.Path != nil && g.TraceGraph != nil {
			note += " The trace and its neighbourhood are drawn state by state."
		}
	}
	switch {
	case strings.Contains(g.Graph.DOT, `class="trace cycle"`):
		note += " The trace in red, its cycle in purple."
	case strings.Contains(g.Graph.DOT, `class="trace"`):
		note += " The trace in red."
	}
	return note
}

// Render draws the panel.
func (g *GraphPanel) Render() app.UI {
	if g.Graph == nil && g.Path == nil {
		return app.Section().Class("graph")
	}
	var state app.UI = app.P().Class("hint").Text("Click a state to see it; the wheel zooms, a drag pans.")
	switch {
	case g.mode == "trace" && g.detail != "":
		state = app.Pre().ID("graph-state").Text(g.detail)
	case g.mode == "explored" && g.Graph != nil && g.node >= 0 && g.node < len(g.Graph.States):
		state = app.Pre().ID("graph-state").Text(g.Graph.States[g.node])
	}
	note := g.note()
	if g.status == graphDrawing && g.dot != "" {
		note += " Laying it out with Graphviz…"
	}
	drawn := g.status == graphDrawn
	dot := g.dot
	if dot == "" && g.Graph != nil {
		dot = g.Graph.DOT
	}
	return app.Section().Class("graph").Aria("label", "State graph").Body(
		app.H2().Text("State graph"),
		// Always there, empty or not: go-app matches children by position, and a note that
		// appeared would rebuild the buttons, dropping the drawing's callbacks.
		app.P().ID("graph-note").Text(note),
		app.Div().Class("buttons").Body(
			app.If(g.Graph != nil, func() app.UI {
				return app.Button().ID("draw-graph").Text("Draw the explored states").Disabled(g.status == graphDrawing).OnClick(func(ctx app.Context, _ app.Event) {
					g.draw(ctx, "explored", g.Graph.DOT, len(g.Graph.States))
				})
			}),
			app.If(g.Path != nil && g.TraceGraph != nil, func() app.UI {
				return app.Button().ID("draw-trace-graph").Text("Draw the trace and its neighbourhood").Disabled(g.status == graphDrawing).
					OnClick(func(ctx app.Context, _ app.Event) { g.drawTrace(ctx) })
			}),
			app.If(drawn, func() app.UI {
				return app.Span().Class("zoom").Body(
					app.Button().ID("graph-fit").Text("Fit").Title("show the whole graph").OnClick(func(app.Context, app.Event) { graphFit() }),
					app.Button().ID("graph-zoom-in").Text("+").Title("zoom in").OnClick(func(app.Context, app.Event) { graphZoom(1 / 1.5) }),
					app.Button().ID("graph-zoom-out").Text("−").Title("zoom out").OnClick(func(app.Context, app.Event) { graphZoom(1.5) }),
				)
			}),
			app.If(dot != "", func() app.UI {
				return app.A().ID("download-dot").Href("data:text/vnd.graphviz;charset=utf-8,"+url.PathEscape(dot)).Attr("download", "states.dot").Text("Download DOT")
			}),
			app.If(g.svg != "", func() app.UI {
				return app.A().ID("download-svg").Href("data:image/svg+xml;charset=utf-8,"+url.PathEscape(g.svg)).Attr("download", "states.svg").Text("Download SVG")
			}),
		),
		app.If(g.status == graphFailed, func() app.UI { return app.P().Class("error").Text(g.err) }),
		app.Div().ID("graph").Class("graph-box", map[bool]string{true: "drawn"}[drawn]),
		state,
	)
}

// traceGraph asks the explorer for the DOT of the trace along path and its neighbourhood.
func (p *Playground) traceGraph(ctx app.Context, path []int, loop int, on func(app.Context, string, int, error)) {
	req, err := p.runRequest(protocol.TypeGraph, path)
	if err != nil {
		on(ctx, "", 0, err)
		return
	}
	if loop >= 0 {
		req.Loop = &loop
	}
	p.explorer.ask(ctx, req, func(ctx app.Context, r protocol.Response) {
		if r.Type != protocol.TypeDOT {
			on(ctx, "", 0, fmt.Errorf("%s", r.Error))
			return
		}
		on(ctx, r.DOT.Source, r.DOT.Nodes, nil)
	})
}

// renderGraph is the graph panel with what the page has on display.
func (p *Playground) renderGraph() app.UI {
	req, _ := p.request()
	gp := &GraphPanel{Loop: -1, TraceGraph: p.traceGraph, ModelKey: p.target + "\x00" + strings.Join(req.Sets, "\x00")}
	if p.report != nil {
		gp.Graph, gp.Unique = p.report.Graph, p.report.Unique
	}
	if p.shown != nil && p.shown.path != nil {
		gp.Path, gp.Loop = p.shown.path[:min(len(p.shown.path), len(p.shown.steps)-1)], p.shown.loop
	}
	return gp
}
