package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"strings"
	"time"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/catalog"
	"github.com/themelios/themelios/models/scenario"
	"github.com/themelios/themelios/models/targets"
)

const checkUsage = `Usage: themelios check TARGET [flags]

Checks TARGET, a built-in model or scenario (see "themelios list") or a scenario file ("-":
standard input), and
prints each property's verdict with the shortest counterexample (BFS) for a violation. Flags
may come before or after TARGET.

Liveness properties (leads to, eventually always, quiesces, ...) are judged over fair runs
(every controller replica weakly fair; the environment, faults and client, not unless
--set fair=... says so) after the search, on a second pass over its states. A counterexample
is a lasso ("...then steps K-N repeat forever") or a run that stops where no fair action is
enabled.

A search is complete when it has explored every reachable state; only then does it say that a
property holds (a Sometimes property also holds once its witness is found; and an invariant
holds once the search itself was exhaustive, though a timeout or a cancel cut the liveness pass
after it). A search that stops
early says why, on its summary line and in the JSON "stopped" field: at the first violation (by
default BFS stops at the end of the level where an invariant or an Eventually property first
fails; --keep-going explores on), at the state bound (--max-states), at the depth bound
(--max-depth), by the timeout (--timeout), at the memory bound (--max-memory), interrupted
(Ctrl-C), or, for simulation, when the
walks ran out before they had expanded every state they met. Every property it did not decide
is unknown, with that reason.

--max-states N stops the search after the expansion of the state that makes N distinct states
known (counting initial states), in every strategy: it ends with at least N and fewer than N
plus one state's successors, and BFS explores exactly the states of a sequential BFS, on any
number of workers, with shortest counterexamples among them.

Exit status: 0 every property as expected (holds, or unknown), 1 a property was violated, 2 bad
input or usage.

Flags:
`

// setFlags collects repeated --set name=value flags.
type setFlags []string

func (s *setFlags) String() string     { return strings.Join(*s, ",") }
func (s *setFlags) Set(v string) error { *s = append(*s, v); return nil }

type checkArgs struct {
	strategy  string
	sets      setFlags
	maxDepth  int
	maxStates int64
	timeout   time.Duration
	maxMemory memoryFlag
	workers   int
	seed      uint64
	walks     int64
	keepGoing bool
	symmetry  bool
	reduction bool
	liveness  bool
	json      bool
	link      bool
	linkBase  string
	progress  string
	every     time.Duration
}

func newCheckFlags(a *checkArgs) *flag.FlagSet {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.StringVar(&a.strategy, "strategy", "bfs", "`bfs` (shortest counterexamples), dfs or simulate (seeded random walks)")
	fs.Var(&a.sets, "set", "set a parameter, `name=value` (repeatable; \"themelios list\" shows each target's)")
	fs.IntVar(&a.maxDepth, "max-depth", 0, "explore paths of at most `N` states (0: unbounded; simulation: 100 per walk)")
	fs.Int64Var(&a.maxStates, "max-states", 0, "stop after the expansion that makes `N` distinct states known (0: unbounded; see above)")
	fs.DurationVar(&a.timeout, "timeout", 0, "stop after this `duration`, e.g. 30s (0: none)")
	a.maxMemory.Set("auto")
	fs.Var(&a.maxMemory, "max-memory", "stop once the process holds this much memory, a `size` such as 8Gi or 512Mi (auto: three quarters of the machine's, or of its container's limit, on Linux; off: none)")
	fs.IntVar(&a.workers, "workers", runtime.NumCPU(), "worker goroutines `N` for BFS and simulation (simulation: one walk each at a time); results do not depend on it")
	fs.Uint64Var(&a.seed, "seed", 0, "simulation seed `N`")
	fs.Int64Var(&a.walks, "walks", 0, "simulation walks `N` (0: 1000, or until --timeout)")
	fs.BoolVar(&a.keepGoing, "keep-going", false, "explore on after a violation, so every property gets a verdict")
	fs.BoolVar(&a.liveness, "liveness", true, "decide the liveness properties after the search (a second pass over its states); --liveness=false leaves them unknown")
	fs.BoolVar(&a.reduction, "reduction", true, "skip the steps a model says are covered (orchestration: a step that only moves a controller's session forward); the same verdicts and shortest counterexamples, fewer states; --reduction=false explores them")
	fs.BoolVar(&a.symmetry, "symmetry", true, "explore one state per orbit of the model's symmetry (interchangeable resource managers, controller replicas, nodes): the same verdicts and shortest safety counterexamples, concrete traces, fewer states; --symmetry=false explores every state of an orbit")
	fs.BoolVar(&a.json, "json", false, "print one JSON object (docs/cli.md) instead of text")
	fs.StringVar(&a.progress, "progress", "auto", "report progress on stderr: `auto` (a live line on a terminal, a line every --progress-every otherwise), or off")
	fs.DurationVar(&a.every, "progress-every", 0, "how often to report progress (default 1s on a terminal, 10s otherwise)")
	fs.BoolVar(&a.link, "link", false, "also print a playground permalink to the scenario and its first counterexample (or witness); on stderr with --json")
	fs.StringVar(&a.linkBase, "link-base", "http://127.0.0.1:8080/", "the playground's `URL` for --link (themelios serve's by default)")
	fs.SetOutput(io.Discard)
	return fs
}

func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// parseInterspersed parses flags that may come before and after positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func check(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var a checkArgs
	fs := newCheckFlags(&a)
	job, code := prepare("check", checkUsage, fs, &a, args, stdout, stderr)
	if job == nil {
		return code
	}
	defer limitMemory(job.opts.MaxMemory)()
	rep, err := job.model.Check(ctx, job.entry.Name, job.opts)
	job.progress.clear()
	if err != nil && rep.Workers == 0 {
		return fail(stderr, "check: %s: %v", job.entry.Name, err) // nothing was explored
	}
	if err != nil {
		fmt.Fprintf(stderr, "themelios: check: %v\n", err)
	}
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "themelios: check: interrupted: the result below is partial (incomplete)\n")
	}
	if a.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		writeReport(stdout, rep, job.entry.Describe(job.vals))
	}
	if a.link {
		if _, builtin := catalog.Lookup(job.entry.Name); !builtin {
			fmt.Fprintf(stderr, "themelios: check: --link: only built-in targets have permalinks (the playground does not read files)\n")
		} else if a.json {
			fmt.Fprintln(stderr, permalink(a, job, rep))
		} else {
			fmt.Fprintf(stdout, "\nOpen in the playground: %s\n", permalink(a, job, rep))
		}
	}
	if rep.Violated() {
		return exitViolation
	}
	return exitOK
}

// permalink links to the playground's view of the check and its first counterexample (or
// witness), in the format of docs/permalinks.md.
func permalink(a checkArgs, j *job, rep checker.Report) string {
	l := targets.Link{Target: j.entry.Name, Sets: a.sets, MaxStates: j.opts.MaxStates, MaxDepth: a.maxDepth,
		TimeoutS: int64(a.timeout.Seconds()), Seed: a.seed, Symmetry: a.symmetry, KeepGoing: a.keepGoing}
	if a.strategy != "bfs" {
		l.Strategy = a.strategy
	}
	if p := drawnTrace(rep); p != nil {
		l = l.WithTrace(p)
	}
	return strings.TrimSuffix(a.linkBase, "/") + "/#" + l.Fragment()
}

// job is a resolved command line: the target, its parameters, the model and the options.
type job struct {
	entry    catalog.Entry
	vals     catalog.Values
	model    catalog.Checkable
	opts     checker.Options
	progress *progress
}

// prepare parses the flags and TARGET of a checking command (check, graph), printing its
// usage for -h; it returns nil and the exit status when there is nothing to run.
func prepare(cmd, usage string, fs *flag.FlagSet, a *checkArgs, args []string, stdout, stderr io.Writer) (*job, int) {
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		printFlags(stdout, fs)
		return nil, exitOK
	}
	if err != nil {
		return nil, fail(stderr, "%s: %v", cmd, err)
	}
	if len(pos) != 1 {
		return nil, fail(stderr, "%s takes one TARGET, got %d (see themelios list)", cmd, len(pos))
	}
	entry, err := resolveTarget(pos[0], stderr)
	if err != nil {
		return nil, fail(stderr, "%s: %v", cmd, err)
	}
	strategy, err := checker.ParseStrategy(a.strategy)
	if err != nil {
		return nil, fail(stderr, "%s: --strategy: %v", cmd, err)
	}
	vals, err := entry.Resolve(a.sets)
	if err != nil {
		return nil, fail(stderr, "%s: --set: %v", cmd, err)
	}
	model, err := entry.Build(vals)
	if err != nil {
		return nil, fail(stderr, "%s: %s: %v", cmd, entry.Name, err)
	}
	opts := checker.Options{
		Strategy: strategy, Workers: a.workers, MaxDepth: a.maxDepth, MaxStates: a.maxStates,
		Timeout: a.timeout, MaxMemory: a.maxMemory.bytes, Seed: a.seed, Walks: a.walks, KeepGoing: a.keepGoing, Symmetry: a.symmetry,
		NoLiveness: !a.liveness, NoReduction: !a.reduction,
	}
	if !flagSet(fs, "max-states") && entry.MaxStates > 0 {
		opts.MaxStates = entry.MaxStates
		fmt.Fprintf(stderr, "themelios: %s: bounded to %s states, as %s suggests (its space is too large to explore); --max-states changes it\n",
			cmd, checker.Thousands(entry.MaxStates), entry.Name)
	}
	if err := opts.Validate(); err != nil {
		return nil, fail(stderr, "%s: %v", cmd, err)
	}
	if a.every < 0 {
		return nil, fail(stderr, "%s: --progress-every must not be negative (0: the default), not %v", cmd, a.every)
	}
	if cores := runtime.NumCPU(); a.workers > 4*cores {
		fmt.Fprintf(stderr, "themelios: %s: %d workers on %d cores: workers beyond the cores only add overhead (the results are the same)\n", cmd, a.workers, cores)
	}
	if strategy != checker.Simulate {
		var ignored []string
		for _, name := range []string{"seed", "walks"} {
			if flagSet(fs, name) {
				ignored = append(ignored, "--"+name)
			}
		}
		verb := "applies"
		if len(ignored) > 1 {
			verb = "apply"
		}
		if len(ignored) > 0 {
			fmt.Fprintf(stderr, "themelios: %s: %s only %s to --strategy simulate: ignored\n", cmd, strings.Join(ignored, " and "), verb)
		}
	}
	j := &job{entry: entry, vals: vals, model: model, opts: opts, progress: &progress{w: stderr, tty: isTerminal(stderr)}}
	switch a.progress {
	case "auto":
		j.opts.Progress, j.opts.ProgressEvery = j.progress.update, a.every
		if a.every == 0 && !j.progress.tty {
			j.opts.ProgressEvery = 10 * time.Second
		}
	case "off":
	default:
		return nil, fail(stderr, "%s: --progress must be auto or off, not %q", cmd, a.progress)
	}
	return j, exitOK
}

// flagSet reports whether the command line gave the flag.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// resolveTarget finds a built-in target by name, or reads a scenario file or Kubernetes
// manifests (whose warnings it prints on stderr).
func resolveTarget(target string, stderr io.Writer) (catalog.Entry, error) {
	if e, ok := catalog.Lookup(target); ok {
		return e, nil
	}
	target, data, err := readInput(target)
	if errors.Is(err, fs.ErrNotExist) && !strings.ContainsAny(target, "./\\") {
		return catalog.Entry{}, fmt.Errorf("unknown target %q (themelios list shows the built-in ones)", target)
	}
	if err != nil {
		return catalog.Entry{}, fmt.Errorf("unknown target %q, and no scenario file of that name: %v", target, err)
	}
	s, warns, err := readScenario(target, data)
	for _, w := range warns {
		fmt.Fprintf(stderr, "themelios: warning: %s\n", fileLine(target, w))
	}
	if err != nil {
		var errs []string
		for _, e := range strings.Split(err.Error(), "\n") {
			errs = append(errs, fileLine(target, e))
		}
		return catalog.Entry{}, errors.New(strings.Join(errs, "; "))
	}
	return catalog.ScenarioEntry(s), nil
}

// readScenario reads a scenario file, or Kubernetes manifests as a scenario named after the
// file, with their warnings.
func readScenario(file string, data []byte) (*scenario.Scenario, []string, error) {
	if scenario.IsScenario(data) {
		s, err := scenario.Parse(data)
		return s, nil, err
	}
	return scenario.ParseManifests(data, file)
}

// writeReport prints a report for people: the counts, each verdict, and each trace as numbered
// steps showing what changed.
func writeReport(w io.Writer, rep checker.Report, params string) {
	title := rep.Target
	if params != "" {
		title += " (" + params + ")"
	}
	fmt.Fprintf(w, "%s: %s, %d worker%s", title, rep.Strategy, rep.Workers, plural(rep.Workers))
	if rep.Symmetry {
		fmt.Fprint(w, ", one state per orbit (--symmetry)")
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%s distinct state%s, %s generated, depth %d, %s, %s", checker.Thousands(rep.Unique), plural(int(rep.Unique)), checker.Thousands(rep.States), rep.Depth, rep.Extent(),
		duration(rep.DurationMS))
	if rep.Walks > 0 {
		fmt.Fprintf(w, ", %s walks", checker.Thousands(rep.Walks))
	}
	fmt.Fprintln(w)
	for _, p := range rep.Properties {
		mark := map[string]string{"holds": "✓", "violated": "✗"}[p.Status]
		if mark == "" {
			mark = "?"
		}
		fmt.Fprintf(w, "  %s %s (%s): %s", mark, p.Name, p.Expectation, p.Verdict(rep))
		fmt.Fprintln(w)
	}
	for _, p := range rep.Properties {
		if p.Trace == nil {
			continue
		}
		kind := "Counterexample"
		if p.Status == "holds" {
			kind = "Witness"
		}
		fmt.Fprintf(w, "\n%s for %q (%d step%s):\n", kind, p.Name, len(p.Trace)-1, plural(len(p.Trace)-1))
		writeTrace(w, p.Trace, p.Loop)
		if p.Loop == nil && p.Status == "violated" && p.Temporal() {
			fmt.Fprintln(w, "     …and the run may stop there: no fair action is enabled.")
		}
	}
}

// writeTrace prints a trace as numbered steps, each with the lines of the state it changed,
// and for a lasso (loop set) which steps repeat forever.
func writeTrace(w io.Writer, trace []checker.TraceStep, loop *int) {
	if loop != nil {
		defer fmt.Fprintf(w, "     …then steps %d–%d repeat forever (the last step returns to the state of step %d).\n", *loop+1, len(trace)-1, *loop)
	}
	prev := ""
	for i, st := range trace {
		fmt.Fprintf(w, "%3d. %s\n", i, st.Action)
		for _, line := range checker.ChangedLines(prev, st.State) {
			fmt.Fprintf(w, "       %s\n", line)
		}
		prev = st.State
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// duration formats milliseconds as "12ms" or "3.4s".
func duration(ms int64) string {
	if ms < 1000 {
		return fmt.Sprintf("%dms", ms)
	}
	return fmt.Sprintf("%.1fs", float64(ms)/1000)
}
