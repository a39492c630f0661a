package checker

import (
	"regexp"
	"strings"
	"testing"
)

func TestGraphCaptureAndDOT(t *testing.T) {
	// 0 -> 1 -> 2 -> 3, 0 -> 2, 3 -> 0.
	g := &graphModel{inits: []int{0}, succ: [][]int{{1, 2}, {2}, {3}, {0}}}
	g.props = []Property[int]{{Name: "not 3", Expect: Always, Holds: func(s int) bool { return s != 3 }}}
	for _, strategy := range []Strategy{BFS, DFS} {
		r := check(t, g, Options{Strategy: strategy, GraphLimit: 10, KeepGoing: true})
		if r.Graph == nil || len(r.Graph.Nodes) != 4 || len(r.Graph.Edges) != 5 || r.Graph.Truncated {
			t.Fatalf("%v: graph %+v", strategy, r.Graph)
		}
		var b strings.Builder
		path := TraceFingerprints[int, int](g, r.Properties[0].Trace)
		if err := r.Graph.WriteDOT(&b, path, -1); err != nil {
			t.Fatal(err)
		}
		dot := b.String()
		if !strings.HasPrefix(dot, "digraph states {") || strings.Count(dot, " -> ") != 5 {
			t.Fatalf("%v: DOT:\n%s", strategy, dot)
		}
		// BFS's trace is 0 -> 2 -> 3: two highlighted edges, three highlighted nodes.
		if strategy == BFS && strings.Count(dot, `class="trace"`) != 5 {
			t.Fatalf("BFS: DOT highlights:\n%s", dot)
		}
		if !regexp.MustCompile(`s0 \[label="0", id="s0", tooltip="0", peripheries=2`).MatchString(dot) {
			t.Fatalf("%v: initial node not marked:\n%s", strategy, dot)
		}
	}
	r := check(t, randomGraph(1000, 3, 1), Options{GraphLimit: 50})
	if len(r.Graph.Nodes) != 50 || !r.Graph.Truncated || r.Unique != 1000 {
		t.Fatalf("capped graph: %d nodes, truncated %v, unique %d", len(r.Graph.Nodes), r.Graph.Truncated, r.Unique)
	}
	var b strings.Builder
	if err := r.Graph.WriteDOT(&b, nil, -1); err != nil || !strings.Contains(b.String(), `label="capped at 50 states"`) {
		t.Fatalf("capped DOT: %v\n%s", err, b.String())
	}
}

func TestDOTQuote(t *testing.T) {
	if got := dotQuote("a \"b\" \\c\nd"); got != `"a \"b\" \\c\ld\l"` {
		t.Fatalf("dotQuote = %s", got)
	}
}

func TestGraphInReport(t *testing.T) {
	g := &graphModel{inits: []int{0}, succ: [][]int{{1, 2}, {2}, {3}, {0}}}
	g.props = []Property[int]{{Name: "not 3", Expect: Always, Holds: func(s int) bool { return s != 3 }}}
	r := check(t, g, Options{GraphLimit: 10, KeepGoing: true})
	rep := NewReport[int, int](g, "g", r)
	if rep.Graph == nil || len(rep.Graph.States) != 4 || rep.Graph.States[3] != "3" || strings.Count(rep.Graph.DOT, `class="trace"`) != 5 {
		t.Fatalf("graph report %+v", rep.Graph)
	}
	if NewReport[int, int](g, "g", check(t, g, Options{})).Graph != nil {
		t.Fatal("a graph without capture")
	}
}

// A lasso's cycle is drawn in its own colour, and the state it returns to is marked: on
// 0 -> 1 -> 2 -> 1 (eventually 3 never holds), the prefix edge 0 -> 1 is red, 1 -> 2 -> 1 purple.
func TestLassoDOT(t *testing.T) {
	g := &graphModel{inits: []int{0}, succ: [][]int{{1}, {2}, {1}}}
	g.props = []Property[int]{{Name: "reaches 3", Expect: Eventually, Holds: func(s int) bool { return s == 3 }}}
	r := check(t, g, Options{GraphLimit: 10})
	p := r.Properties[0]
	if p.Status != Violated || !p.Trace.Cycle {
		t.Fatalf("%v %v", p.Status, statesOf(p.Trace))
	}
	rep := NewReport[int, int](g, "g", r)
	dot := rep.Graph.DOT
	for _, want := range []string{
		`s0 -> s1 [label="0", tooltip="0", class="trace", color="#d62728"`,
		`s1 -> s2 [label="0", tooltip="0", class="trace cycle", color="#7b3fb5"`,
		`s2 -> s1 [label="0", tooltip="0", class="trace cycle", color="#7b3fb5"`,
		`xlabel="↻"`,
	} {
		if !strings.Contains(dot, want) {
			t.Errorf("DOT lacks %s:\n%s", want, dot)
		}
	}
	if strings.Count(dot, `class="trace cycle"`) != 4 {
		t.Errorf("want 2 cycle states and 2 cycle edges:\n%s", dot)
	}
}
