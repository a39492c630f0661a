package checker

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strings"
)

// Graph is a captured part of the explored state graph, in discovery order.
type Graph struct {
	Nodes     []GraphNode
	Edges     []GraphEdge
	Truncated bool // the node cap was reached: some states and edges are missing
}

// GraphNode is a state of a captured graph.
type GraphNode struct {
	ID      int
	FP      uint64 // fingerprint, as in the visited table
	Label   string // short label (StateLabeler, else StateFormatter, else %v)
	Detail  string // the whole state (StateFormatter, else %v)
	Initial bool
}

// GraphEdge is a transition of a captured graph.
type GraphEdge struct {
	From, To int
	Label    string // the action (ActionFormatter, else %v)
}

// graphRecorder captures nodes and edges up to a node cap.
type graphRecorder[S, A any] struct {
	m     Model[S, A]
	limit int
	ids   map[uint64]int // fingerprint to node ID; only looked up, never iterated
	g     *Graph
}

func newGraphRecorder[S, A any](m Model[S, A], limit int) *graphRecorder[S, A] {
	return &graphRecorder[S, A]{m: m, limit: limit, ids: map[uint64]int{}, g: &Graph{}}
}

// node returns the ID of state s, adding it if there is room; -1 if there is none.
func (r *graphRecorder[S, A]) node(s S, fp uint64, initial bool) int {
	if id, ok := r.ids[fp]; ok {
		return id
	}
	if len(r.g.Nodes) >= r.limit {
		r.g.Truncated = true
		return -1
	}
	id := len(r.g.Nodes)
	r.ids[fp] = id
	r.g.Nodes = append(r.g.Nodes, GraphNode{ID: id, FP: fp, Label: stateLabel(r.m, s), Detail: StateString(r.m, s), Initial: initial})
	return id
}

// edge records the transition from -a-> to, if both ends are or can be captured.
func (r *graphRecorder[S, A]) edge(from S, fromFP uint64, a A, to S, toFP uint64) {
	f, ok := r.ids[fromFP]
	if !ok {
		return
	}
	t := r.node(to, toFP, false)
	if t < 0 {
		return
	}
	r.g.Edges = append(r.g.Edges, GraphEdge{From: f, To: t, Label: ActionString(r.m, from, a)})
}

// stateLabel is a state's short label.
func stateLabel[S, A any](m Model[S, A], s S) string {
	if l, ok := m.(StateLabeler[S]); ok {
		return l.LabelState(s)
	}
	return StateString(m, s)
}

// StateString describes a state with the model's StateFormatter, or %v.
func StateString[S, A any](m Model[S, A], s S) string {
	if f, ok := m.(StateFormatter[S]); ok {
		return f.FormatState(s)
	}
	return fmt.Sprintf("%+v", s)
}

// ActionString describes action a taken in s with the model's ActionFormatter, or %v.
func ActionString[S, A any](m Model[S, A], s S, a A) string {
	if f, ok := m.(ActionFormatter[S, A]); ok {
		return f.FormatAction(s, a)
	}
	return fmt.Sprintf("%+v", a)
}

// TraceFingerprints returns the fingerprints of a trace's states, initial state first (to
// highlight it in a Graph).
func TraceFingerprints[S, A any](m Model[S, A], tr *Trace[S, A]) []uint64 {
	return traceFingerprints(m, tr, nil)
}

// traceFingerprints fingerprints a trace's states, each as its orbit's representative when
// canon is set (as a search under symmetry records them).
func traceFingerprints[S, A any](m Model[S, A], tr *Trace[S, A], canon func(S) S) []uint64 {
	var buf []byte
	fp := func(s S) uint64 {
		if canon != nil {
			s = canon(s)
		}
		buf = m.Encode(buf[:0], s)
		return fingerprint(buf)
	}
	fps := []uint64{fp(tr.Init)}
	for _, st := range tr.Steps {
		fps = append(fps, fp(st.State))
	}
	return fps
}

// WriteDOT writes the graph in Graphviz DOT. The states of path (fingerprints, as from
// TraceFingerprints) and the edges between consecutive ones are highlighted in red; the last
// state of a non-empty path is marked as the violating (or witness) state. For a lasso, loop
// is the position in path of the state the last step returns to (-1 for none): the cycle's
// states and edges are drawn in purple (class "cycle") and the state it returns to is marked
// "↻". Each node carries its whole state, and each edge its whole action, as a tooltip (shown
// by SVG viewers). Node IDs are s<ID>.
func (g *Graph) WriteDOT(w io.Writer, path []uint64, loop int) error {
	const red, purple = `"#d62728"`, `"#7b3fb5"`
	onPath := make(map[uint64]bool, len(path))   // only looked up
	inCycle := make(map[uint64]bool, len(path))  // only looked up
	steps := make(map[[2]uint64]bool, len(path)) // trace edge to whether it is on the cycle; only looked up
	for i, fp := range path {
		onPath[fp] = true
		if loop >= 0 && i >= loop {
			inCycle[fp] = true
		}
		if i > 0 {
			k := [2]uint64{path[i-1], fp}
			steps[k] = steps[k] || loop >= 0 && i > loop
		}
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "digraph states {")
	fmt.Fprintln(bw, `  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10];`)
	fmt.Fprintln(bw, `  edge [fontname="Helvetica", fontsize=9, color="#888888"];`)
	for _, n := range g.Nodes {
		attrs := []string{"label=" + dotQuote(n.Label), fmt.Sprintf(`id="s%d"`, n.ID), "tooltip=" + tooltipQuote(n.Detail)}
		if n.Initial {
			attrs = append(attrs, "peripheries=2")
		}
		switch last := len(path) > 0 && path[len(path)-1] == n.FP; {
		case inCycle[n.FP]:
			attrs = append(attrs, `class="trace cycle"`, "color="+purple, "penwidth=2")
			if last {
				attrs = append(attrs, `fillcolor="#ece2f7"`, `xlabel="↻"`)
			}
		case onPath[n.FP]:
			attrs = append(attrs, `class="trace"`, "color="+red, "penwidth=2")
			if last {
				attrs = append(attrs, `fillcolor="#fde0dd"`)
			}
		}
		fmt.Fprintf(bw, "  s%d [%s];\n", n.ID, strings.Join(attrs, ", "))
	}
	for _, e := range g.Edges {
		attrs := []string{"label=" + dotQuote(wrap(e.Label, 32, 3)), "tooltip=" + tooltipQuote(e.Label)}
		if cycle, ok := steps[[2]uint64{g.Nodes[e.From].FP, g.Nodes[e.To].FP}]; ok && cycle {
			attrs = append(attrs, `class="trace cycle"`, "color="+purple, "penwidth=2.5")
		} else if ok {
			attrs = append(attrs, `class="trace"`, "color="+red, "penwidth=2")
		}
		fmt.Fprintf(bw, "  s%d -> s%d [%s];\n", e.From, e.To, strings.Join(attrs, ", "))
	}
	if g.Truncated {
		fmt.Fprintf(bw, "  label=%s;\n", dotQuote(fmt.Sprintf("capped at %d states", len(g.Nodes))))
	}
	fmt.Fprintln(bw, "}")
	return bw.Flush()
}

// wrap breaks s into lines of about width characters at spaces, keeping at most lines lines
// (the last ending in "…" when text was cut).
func wrap(s string, width, lines int) string {
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		if line != "" && len(line)+1+len(word) > width {
			out = append(out, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	out = append(out, line)
	if len(out) > lines {
		out = out[:lines]
		out[lines-1] += " …"
	}
	return strings.Join(out, "\n")
}

// tooltipQuote quotes s as a DOT string whose lines stay lines in a tooltip.
func tooltipQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", "").Replace(s) + `"`
}

// NeighbourhoodGraph is the graph around a trace: its states, and every state one step away
// from one of them, with the edges from trace states.
func NeighbourhoodGraph[S, A any](m Model[S, A], tr *Trace[S, A]) *Graph {
	r := newGraphRecorder(m, math.MaxInt)
	var buf []byte
	fp := func(s S) uint64 {
		buf = m.Encode(buf[:0], s)
		return fingerprint(buf)
	}
	states := []S{tr.Init}
	for _, st := range tr.Steps {
		states = append(states, st.State)
	}
	for i, s := range states {
		r.node(s, fp(s), i == 0)
	}
	var sc scratch[S, A]
	for _, s := range states {
		from := fp(s)
		sc.steps = expand(m, s, &sc, sc.steps[:0])
		for _, st := range sc.steps {
			r.edge(s, from, st.Action, st.State, fp(st.State))
		}
	}
	return r.g
}

// dotQuote quotes s as a DOT string with left-aligned lines.
func dotQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\l`)
		case '\r':
		default:
			b.WriteRune(r)
		}
	}
	if strings.Contains(s, "\n") {
		b.WriteString(`\l`)
	}
	b.WriteByte('"')
	return b.String()
}
