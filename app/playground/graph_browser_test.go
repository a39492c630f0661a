//go:build browser

package playground_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/proto"
)

// A graph you can read (issue 15, item 6): the trace and its neighbourhood drawn, fitted to its
// box, zoomed and panned; a node opens its state; labels differ; the note mentions a trace only
// when there is one, and says when the graph is one state per orbit; in dark mode the drawing takes the page's colours.
func TestBrowserGraph(t *testing.T) {
	_, _, p := desktop(t)
	// A check where every property holds, with no witness to show: no trace to mention.
	p.MustElement("#run").MustClick()
	note := waitText(t, p, "#graph-note", "states", time.Minute)
	if strings.Contains(note, "trace") {
		t.Fatalf("the note of a check without a trace: %q", note)
	}

	// Exploring by hand before any check: the trace's graph draws, and the zoom controls come.
	p.MustElement("#explore").MustClick()
	p.MustElement("#take-0").MustClick()
	waitText(t, p, "#trace-title", "Exploring by hand: 1 step", 5*time.Second)
	p.MustElement("#draw-trace-graph").MustClick()
	p.MustElement("#graph-fit")
	p.MustElement("#graph svg")

	// Dark mode, then 59848's trace and its neighbourhood.
	proto.EmulationSetEmulatedMedia{Features: []*proto.EmulationMediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}.Call(p)
	headline(t, p)
	waitText(t, p, "#graph-note", "The trace in red.", time.Second)
	// Under symmetry (the default) the explored graph is the quotient, and the note says so.
	waitText(t, p, "#graph-note", "One state per orbit (symmetry): an arrow leads to the state drawn for its successor's orbit", time.Second)
	waitListed(t, p)
	p.MustElement("#draw-trace-graph").MustClick()
	p.MustElement("#graph svg")
	note = waitText(t, p, "#graph-note", "The trace on display and every state one step from it", 10*time.Second)
	var n int
	fmt.Sscanf(note[strings.Index(note, ": ")+2:], "%d states", &n)
	if got := len(p.MustElements("#graph g.node")); got != n || n <= 11 {
		t.Fatalf("%d nodes drawn, the note says %d", got, n)
	}
	if got := len(p.MustElements("#graph g.node.trace")); got != 11 {
		t.Fatalf("%d trace nodes, want the trace's 11 states", got)
	}
	labels := p.MustEval(`() => new Set([...document.querySelectorAll("#graph g.node")].map(g => [...g.querySelectorAll("text")].map(t => t.textContent).join("\n"))).size`).Int()
	if labels != n {
		t.Fatalf("%d distinct labels for %d states", labels, n)
	}
	// Fitted: the whole drawing in the box.
	fits := p.MustEval(`() => { const s = document.querySelector("#graph svg").getBoundingClientRect(), b = document.querySelector("#graph").getBoundingClientRect();
		return s.width <= b.width + 1 && s.height <= b.height + 1 }`).Bool()
	if !fits {
		t.Fatal("the drawing does not fit its box")
	}
	viewBox := func() (w float64, x float64) {
		var y, h float64
		fmt.Sscanf(*p.MustElement("#graph svg").MustAttribute("viewBox"), "%g %g %g %g", &x, &y, &w, &h)
		return w, x
	}
	full, _ := viewBox()
	p.MustElement("#graph-zoom-in").MustClick()
	if w, _ := viewBox(); w >= full*0.7 {
		t.Fatalf("zoom in: view %g wide of %g", w, full)
	}
	// A drag pans.
	p.MustElement("#graph").MustScrollIntoView()
	box := p.MustElement("#graph").MustShape().Box()
	_, x0 := viewBox()
	p.Mouse.MustMoveTo(box.X+box.Width/2, box.Y+box.Height/2)
	p.Mouse.MustDown("left")
	p.Mouse.MustMoveTo(box.X+box.Width/2-120, box.Y+box.Height/2)
	p.Mouse.MustUp("left")
	if _, x := viewBox(); x <= x0 {
		t.Fatalf("a drag to the left moved the view from %g to %g", x0, x)
	}
	// The wheel zooms out; Fit shows the whole drawing again.
	p.Mouse.MustMoveTo(box.X+box.Width/2, box.Y+box.Height/2)
	p.Mouse.MustScroll(0, 300)
	p.MustElement("#graph-fit").MustClick()
	if w, _ := viewBox(); w != full {
		t.Fatalf("fit: view %g wide, want %g", w, full)
	}
	// A click on the last trace node shows its state.
	p.MustElement("#graph g.node.trace").MustClick()
	waitText(t, p, "#graph-state", "revision", 5*time.Second)
	// Dark mode: light text on a transparent background.
	fill := p.MustEval(`() => getComputedStyle(document.querySelector("#graph g.node text")).fill`).String()
	bg := p.MustEval(`() => getComputedStyle(document.querySelector("#graph g.graph > polygon")).fill`).String()
	if fill == "rgb(0, 0, 0)" || !strings.Contains(bg, "rgba(0, 0, 0, 0)") && bg != "transparent" {
		t.Fatalf("dark mode: text %s on %s", fill, bg)
	}
	p.MustElement("#graph").MustScrollIntoView()
	screenshot(t, p, "graph-dark.png")
}
