package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/catalog"
	"github.com/themelios/themelios/models/datastore"
	"github.com/themelios/themelios/models/orchestration"
	"github.com/themelios/themelios/models/scenario"
)

const matrixUsage = `Usage: themelios matrix [flags]

Checks every built-in orchestration scenario under each consistency level, with 1 and with 2
replicas of each controller, and prints a Markdown table: the outcome, the first violated
property and its trace length, the distinct states, how far the search went (complete, or
where it stopped: at the first violation, the state bound or the timeout), and the time. BFS,
so traces are shortest, with symmetry (--symmetry=false: without), so the states counted are
orbits: nodes a scenario treats alike and replicas of a controller are interchangeable.

With --out FILE, the table replaces what lies between the lines
<!-- matrix:begin --> and <!-- matrix:end --> of FILE (or the whole file, if it has no such
lines): "make matrix" refreshes tutorials/03-results.md that way.

With --caches, it compares instead the two ways a controller reads (cache=snapshot, one
revision for every kind; cache=informer, one cache per kind it watches): every built-in
scenario under each level but synchronous (where both read the latest revision and explore the
same states), one replica of each controller, the outcome and distinct states of each side by
side. Its markers are <!-- caches:begin --> and <!-- caches:end -->; "make matrix" refreshes
the README's table that way.

Exit status: 0 the table was made (whatever the verdicts), 2 bad input or usage.

Flags:
`

// matrixCell is one checked combination.
type matrixCell struct {
	scenario    string
	level       string
	controllers int
	cache       string // with --caches
	rep         checker.Report
	err         error
}

func matrix(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("matrix", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	maxStates := fs.Int64("max-states", 100000, "bound each check to `N` distinct states (it stops after the expansion that reaches them)")
	timeout := fs.Duration("timeout", time.Minute, "bound each check to this `duration`")
	workers := fs.Int("workers", runtime.NumCPU(), "BFS workers `N`")
	symmetry := fs.Bool("symmetry", true, "explore one state per orbit of the model's symmetry (interchangeable nodes and controller replicas); the same verdicts, concrete traces")
	out := fs.String("out", "", "also write the table into this `file` (between its matrix markers, if it has them)")
	only := fs.String("scenarios", "", "comma-separated scenario `names` (default: every built-in one)")
	traces := fs.String("traces", "", "also write every counterexample's path to this JSON `file` (replayed by the API rules' conformance check)")
	caches := fs.Bool("caches", false, "compare cache=snapshot and cache=informer instead (every level but synchronous, one controller each)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, matrixUsage)
			printFlags(stdout, fs)
			return exitOK
		}
		return fail(stderr, "matrix: %v", err)
	}
	if fs.NArg() > 0 {
		return fail(stderr, "matrix takes no arguments")
	}
	var names, all []string
	for _, b := range scenario.Builtins() {
		all = append(all, b.Name)
		if *only == "" || slices.Contains(strings.Split(*only, ","), b.Name) {
			names = append(names, b.Name)
		}
	}
	if *only != "" {
		for _, n := range strings.Split(*only, ",") {
			if !slices.Contains(all, n) {
				return fail(stderr, "matrix: --scenarios: no built-in scenario %q (there are: %s)", n, strings.Join(all, ", "))
			}
		}
	}
	opts := checker.Options{Workers: *workers, MaxStates: *maxStates, Timeout: *timeout, Symmetry: *symmetry}
	if err := opts.Validate(); err != nil {
		return fail(stderr, "matrix: %v", err)
	}
	var cells []matrixCell
	run := func(c matrixCell, set ...string) {
		entry, _ := catalog.Lookup(c.scenario)
		m, err := entry.Make(append([]string{"consistency=" + c.level, fmt.Sprintf("controllers=%d", c.controllers)}, set...))
		if err == nil {
			c.rep, err = m.Check(ctx, c.scenario, opts)
		}
		c.err = err
		cells = append(cells, c)
		fmt.Fprintf(stderr, "%s %s controllers=%d %s: %s\n", c.scenario, c.level, c.controllers, strings.Join(set, " "), outcome(c))
	}
	for _, name := range names {
		for _, level := range datastore.Levels() {
			switch {
			case !*caches:
				for _, n := range []int{1, 2} {
					run(matrixCell{scenario: name, level: level.String(), controllers: n})
				}
			case level != datastore.Synchronous:
				for _, cache := range orchestration.CacheModes() {
					run(matrixCell{scenario: name, level: level.String(), controllers: 1, cache: cache}, "cache="+cache)
				}
			}
		}
	}
	table, marker := matrixTable(cells, *maxStates, *timeout), "matrix"
	if *caches {
		table, marker = cachesTable(cells, *maxStates, *timeout), "caches"
	}
	fmt.Fprint(stdout, table)
	if *traces != "" {
		if err := writeTraces(*traces, cells); err != nil {
			return fail(stderr, "matrix: %v", err)
		}
	}
	if *out != "" {
		if err := writeBetweenMarkers(*out, marker, table); err != nil {
			return fail(stderr, "matrix: %v", err)
		}
	}
	return exitOK
}

// writeTraces writes the paths of every violated property of cells with a path, as a JSON
// array of catalog.MatrixTrace, one per line.
func writeTraces(file string, cells []matrixCell) error {
	var b strings.Builder
	b.WriteString("[\n")
	first := true
	for _, c := range cells {
		sets := []string{"consistency=" + c.level, fmt.Sprintf("controllers=%d", c.controllers)}
		if c.cache != "" {
			sets = append(sets, "cache="+c.cache)
		}
		for _, p := range c.rep.Properties {
			if p.Path == nil || p.Status != checker.Violated.String() {
				continue
			}
			line, err := json.Marshal(catalog.MatrixTrace{Scenario: c.scenario, Sets: sets, Property: p.Name, Path: p.Path, Loop: p.LoopIndex()})
			if err != nil {
				return err
			}
			if !first {
				b.WriteString(",\n")
			}
			first = false
			b.Write(line)
		}
	}
	b.WriteString("\n]\n")
	return os.WriteFile(file, []byte(b.String()), 0o644)
}

// Markers delimit a generated table in a Markdown file: <!-- NAME:begin --> and
// <!-- NAME:end -->, NAME matrix or caches.
func beginMarker(name string) string { return "<!-- " + name + ":begin -->\n" }
func endMarker(name string) string   { return "<!-- " + name + ":end -->" }

// writeBetweenMarkers writes table into file between its markers of that name, or as the
// whole file when it does not exist or has no markers.
func writeBetweenMarkers(file, name, table string) error {
	old, err := os.ReadFile(file)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	text := string(old)
	beginMarker, endMarker := beginMarker(name), endMarker(name)
	b, e := strings.Index(text, beginMarker), strings.Index(text, endMarker)
	if b < 0 || e < b {
		return os.WriteFile(file, []byte(table), 0o644)
	}
	return os.WriteFile(file, []byte(text[:b+len(beginMarker)]+table+text[e:]), 0o644)
}

// outcome summarises a cell: the first violated property, or that none was found.
func outcome(c matrixCell) string {
	if c.err != nil {
		return "error: " + c.err.Error()
	}
	for _, p := range c.rep.Properties {
		if p.Status == "violated" {
			return fmt.Sprintf("✗ %s (%d steps)", p.Name, len(p.Trace)-1)
		}
	}
	if c.rep.Complete {
		return "✓ all hold"
	}
	return fmt.Sprintf("none found: %s after %s states", c.rep.Extent(), checker.Thousands(c.rep.Unique))
}

// matrixTable renders the cells as Markdown.
func matrixTable(cells []matrixCell, maxStates int64, timeout time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| scenario | consistency | controllers | outcome | violated property | trace | unique states | search | time |\n")
	fmt.Fprintf(&b, "|---|---|---:|---|---|---:|---:|---|---:|\n")
	for _, c := range cells {
		prop, trace := "", ""
		for _, p := range c.rep.Properties {
			if p.Status == "violated" {
				prop, trace = p.Name, fmt.Sprint(len(p.Trace)-1)
				if p.Loop != nil {
					trace += fmt.Sprintf(" (↻ %d–%d)", *p.Loop+1, len(p.Trace)-1)
				}
				break
			}
		}
		result := "✓ all hold"
		switch {
		case c.err != nil:
			result = "error"
		case prop != "":
			result = "✗ violated"
		case !c.rep.Complete:
			result = "? none found"
		}
		search := c.rep.Extent()
		switch c.rep.Stopped {
		case "max-states":
			search += fmt.Sprintf(" (%s)", checker.Thousands(maxStates))
		case "timeout":
			search += fmt.Sprintf(" (%v)", timeout)
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %s | %s | %s | %s |\n", c.scenario, c.level, c.controllers, result, prop, trace,
			checker.Thousands(c.rep.Unique), search, duration(c.rep.DurationMS))
	}
	return b.String()
}

// cachesTable renders the cells of --caches as Markdown: per scenario and level, the snapshot
// cell then the informer cell, side by side.
func cachesTable(cells []matrixCell, maxStates int64, timeout time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| scenario | consistency | snapshot: outcome | states | informer: outcome | states |\n")
	fmt.Fprintf(&b, "|---|---|---|---:|---|---:|\n")
	short := func(c matrixCell) string {
		if c.err != nil {
			return "error"
		}
		for _, p := range c.rep.Properties {
			if p.Status == "violated" {
				return fmt.Sprintf("✗ %s (%d)", p.Name, len(p.Trace)-1)
			}
		}
		if c.rep.Complete {
			return "✓ all hold"
		}
		if c.rep.Stopped == "timeout" {
			return fmt.Sprintf("? none found (%v)", timeout)
		}
		return "? none found"
	}
	states := func(c matrixCell) string {
		n := checker.Thousands(c.rep.Unique)
		if c.rep.Stopped == "max-states" {
			n = "≥ " + checker.Thousands(maxStates)
		}
		return n
	}
	for i := 0; i+1 < len(cells); i += 2 {
		a, z := cells[i], cells[i+1]
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", a.scenario, a.level, short(a), states(a), short(z), states(z))
	}
	return b.String()
}
