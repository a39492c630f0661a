package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/goccy/go-graphviz"

	"github.com/themelios/themelios/checker"
)

const graphUsage = `Usage: themelios graph TARGET [flags]

Explores TARGET as "themelios check" does (with its flags, but --json, --link and --link-base)
and draws its state graph: the first --max-nodes states explored (breadth first; a note says
when the graph is capped), or with --trace only the counterexample (or, if nothing is violated,
the first witness) and every state one step away from it. The trace is drawn in red and its last state filled; a lasso's cycle is
purple, the state it returns to marked with ↻; initial states have a double border; in SVG,
hovering a state shows it whole. Layout: dot up to 300 states, sfdp above. Unlike check, graph
explores every state by default: under --symmetry it draws one state per orbit, and an edge's
action, taken from the state drawn, may lead to another member of the orbit drawn.

Exit status: 0 the graph was written (whatever the verdicts), 2 bad input or usage, or
interrupted (Ctrl-C) before the drawing was written: --out's file is written only once the
drawing is whole. Laying out thousands of states takes minutes (sfdp); graph says so before it
starts.

Examples:
  themelios graph classic/die-hard > diehard.svg
  themelios graph node/restart --set consistency=optimistic --trace --format png --out trace.png
  themelios graph replicaset/spec-replicas-change --format dot --max-nodes 100
  themelios graph pod/restart-loop --trace --out lasso.svg

Flags:
`

// dotLimit is the most states the dot layout is used for by default (it is super-linear).
const dotLimit = 300

func graph(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var a checkArgs
	fs := graphFlags(newCheckFlags(&a))
	// Every state by default: a drawing of the quotient reads as wrong edges (above).
	if f := fs.Lookup("symmetry"); f != nil {
		f.DefValue = "false"
		f.Value.Set("false")
		f.Usage = "draw one state per orbit of the model's symmetry (interchangeable resource managers, controller replicas, nodes) instead of every state (the default here, unlike check; see above)"
	}
	format := fs.String("format", "svg", "output `format`: svg, png or dot")
	out := fs.String("out", "", "write to this `file` (default: standard output)")
	trace := fs.Bool("trace", false, "draw only the counterexample (or witness) and its one-step neighbourhood")
	maxNodes := fs.Int("max-nodes", 300, "draw at most `N` states of the explored graph")
	layout := fs.String("layout", "auto", "graph `layout`: auto (dot up to 300 states, sfdp above), dot or sfdp")
	job, code := prepare("graph", graphUsage, fs, &a, args, stdout, stderr)
	if job == nil {
		return code
	}
	if *format != "svg" && *format != "png" && *format != "dot" {
		return fail(stderr, "graph: --format must be svg, png or dot, not %q", *format)
	}
	if *layout != "auto" && *layout != "dot" && *layout != "sfdp" {
		return fail(stderr, "graph: --layout must be auto, dot or sfdp, not %q", *layout)
	}
	if *maxNodes < 1 {
		return fail(stderr, "graph: --max-nodes must be at least 1")
	}
	if !*trace {
		job.opts.GraphLimit = *maxNodes
	}
	defer limitMemory(job.opts.MaxMemory)()
	rep, err := job.model.Check(ctx, job.entry.Name, job.opts)
	job.progress.clear()
	if err != nil {
		return fail(stderr, "graph: %v", err)
	}
	if ctx.Err() != nil {
		return fail(stderr, "graph: interrupted while exploring: nothing written")
	}
	var dot string
	var nodes int
	if *trace {
		p := drawnTrace(rep)
		if p == nil {
			return fail(stderr, "graph: --trace: %s has no counterexample or witness to draw", job.entry.Name)
		}
		if dot, nodes, err = job.model.TraceGraph(p.Path, p.LoopIndex()); err != nil {
			return fail(stderr, "graph: %v", err)
		}
		cycle := ""
		if p.Loop != nil {
			cycle = fmt.Sprintf(", steps %d–%d repeating forever (in purple)", *p.Loop+1, len(p.Trace)-1)
		}
		fmt.Fprintf(stderr, "themelios: graph: the trace of %q (%d steps%s) and its neighbourhood: %d states\n", p.Name, len(p.Trace)-1, cycle, nodes)
	} else {
		dot, nodes = rep.Graph.DOT, len(rep.Graph.States)
		if rep.Graph.Truncated {
			fmt.Fprintf(stderr, "themelios: graph: capped at %d states of %s explored (raise --max-nodes, or draw only the trace with --trace)\n",
				nodes, checker.Thousands(rep.Unique))
		}
	}
	if *layout == "auto" {
		*layout = "dot"
		if nodes > dotLimit {
			*layout = "sfdp"
		}
	}
	drawing := []byte(dot)
	if *format != "dot" {
		if nodes > slowLayout {
			fmt.Fprintf(stderr, "themelios: graph: laying out %s states with %s: this may take minutes (Ctrl-C stops it; --max-nodes draws fewer)\n",
				checker.Thousands(int64(nodes)), *layout)
		}
		if drawing, err = render(ctx, dot, *format, *layout); err != nil {
			if ctx.Err() != nil {
				return fail(stderr, "graph: interrupted while laying out %s states: nothing written", checker.Thousands(int64(nodes)))
			}
			return fail(stderr, "graph: %v", err)
		}
	}
	// Written only once whole: an interrupted or failed layout leaves --out's file as it was.
	if *out == "" {
		_, err = stdout.Write(drawing)
	} else {
		err = os.WriteFile(*out, drawing, 0o666)
	}
	if err != nil {
		return fail(stderr, "graph: %v", err)
	}
	return exitOK
}

// slowLayout is the number of states above which a layout takes long enough to say so: sfdp
// takes seconds for a thousand states here and minutes for ten thousand.
const slowLayout = 1000

// graphFlags is check's flag set without the flags that only shape check's report (--json,
// --link, --link-base): graph writes a drawing.
func graphFlags(check *flag.FlagSet) *flag.FlagSet {
	fs := flag.NewFlagSet("graph", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	check.VisitAll(func(f *flag.Flag) {
		switch f.Name {
		case "json", "link", "link-base":
		default:
			fs.Var(f.Value, f.Name, f.Usage)
		}
	})
	return fs
}

// drawnTrace is the trace to draw: the first violated property's, else the first witness.
func drawnTrace(rep checker.Report) *checker.PropertyReport {
	for _, want := range []string{"violated", "holds"} {
		for i, p := range rep.Properties {
			if p.Status == want && p.Trace != nil {
				return &rep.Properties[i]
			}
		}
	}
	return nil
}

// render lays a DOT graph out with Graphviz (go-graphviz: Graphviz compiled to WebAssembly,
// run natively; this command is its only user, so no wasm binary of ours carries it).
// Graphviz does not watch ctx once it lays out, so render returns ctx's error as soon as ctx is
// done and leaves the layout running (the command exits; nothing of it is written).
func render(ctx context.Context, dot, format, layout string) ([]byte, error) {
	type drawn struct {
		out []byte
		err error
	}
	done := make(chan drawn, 1)
	go func() {
		var out bytes.Buffer
		err := renderTo(ctx, dot, format, layout, &out)
		done <- drawn{out.Bytes(), err}
	}()
	select {
	case d := <-done:
		return d.out, d.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func renderTo(ctx context.Context, dot, format, layout string, w io.Writer) error {
	g, err := graphviz.New(ctx)
	if err != nil {
		return err
	}
	defer g.Close()
	parsed, err := graphviz.ParseBytes([]byte(dot))
	if err != nil {
		return fmt.Errorf("the graph does not parse: %v", err)
	}
	defer parsed.Close()
	g.SetLayout(graphviz.Layout(layout))
	f := graphviz.SVG
	if strings.EqualFold(format, "png") {
		f = graphviz.PNG
	}
	return g.Render(ctx, parsed, f, w)
}
