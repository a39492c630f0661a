package main

import (
	"context"
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
	"github.com/themelios/themelios/models/scenario"
)

const matrixUsage = `Usage: themelios matrix [flags]

Checks every built-in orchestration scenario under each consistency level, with 1 and with 2
replicas of each controller, and prints a Markdown table: the outcome, the first violated
property and its trace length, the distinct states, how far the search went (complete, or
where it stopped: at the first violation, the state bound or the timeout), and the time. BFS,
so traces are shortest.

With --out FILE, the table replaces what lies between the lines
<!-- matrix:begin --> and <!-- matrix:end --> of FILE (or the whole file, if it has no such
lines): "make matrix" refreshes tutorials/03-results.md that way.

Exit status: 0 the table was made (whatever the verdicts), 2 bad input or usage.

Flags:
`

// matrixCell is one checked combination.
type matrixCell struct {
	scenario    string
	level       string
	controllers int
	rep         checker.Report
	err         error
}

func matrix(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("matrix", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	maxStates := fs.Int64("max-states", 100000, "bound each check to `N` distinct states (it stops after the expansion that reaches them)")
	timeout := fs.Duration("timeout", time.Minute, "bound each check to this `duration`")
	workers := fs.Int("workers", runtime.NumCPU(), "BFS workers `N`")
	out := fs.String("out", "", "also write the table into this `file` (between its matrix markers, if it has them)")
	only := fs.String("scenarios", "", "comma-separated scenario `names` (default: every built-in one)")
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
	var names []string
	for _, b := range scenario.Builtins() {
		if *only == "" || slices.Contains(strings.Split(*only, ","), b.Name) {
			names = append(names, b.Name)
		}
	}
	if len(names) == 0 {
		return fail(stderr, "matrix: no built-in scenario named %q", *only)
	}
	var cells []matrixCell
	for _, name := range names {
		entry, _ := catalog.Lookup(name)
		for _, level := range datastore.Levels() {
			for _, n := range []int{1, 2} {
				c := matrixCell{scenario: name, level: level.String(), controllers: n}
				m, err := entry.Make([]string{"consistency=" + level.String(), fmt.Sprintf("controllers=%d", n)})
				if err == nil {
					c.rep, err = m.Check(ctx, name, checker.Options{Workers: *workers, MaxStates: *maxStates, Timeout: *timeout})
				}
				c.err = err
				cells = append(cells, c)
				fmt.Fprintf(stderr, "%s %s controllers=%d: %s\n", name, level, n, outcome(c))
			}
		}
	}
	table := matrixTable(cells, *maxStates, *timeout)
	fmt.Fprint(stdout, table)
	if *out != "" {
		if err := writeBetweenMarkers(*out, table); err != nil {
			return fail(stderr, "matrix: %v", err)
		}
	}
	return exitOK
}

// Markers delimit the generated table in a Markdown file.
const (
	beginMarker = "<!-- matrix:begin -->\n"
	endMarker   = "<!-- matrix:end -->"
)

// writeBetweenMarkers writes table into file between its markers, or as the whole file when
// it does not exist or has no markers.
func writeBetweenMarkers(file, table string) error {
	old, err := os.ReadFile(file)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	text := string(old)
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
