package catalog

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/targets"
)

func TestResolve(t *testing.T) {
	e, ok := Lookup("classic/two-phase-commit")
	if !ok {
		t.Fatal("two-phase commit not found")
	}
	v, err := e.Resolve(nil)
	if err != nil || v.Int("rms") != 3 || e.Describe(v) != "rms=3" {
		t.Fatalf("defaults: %v %v", err, e.Describe(v))
	}
	v, err = e.Resolve([]string{"rms=5"})
	if err != nil || v.Int("rms") != 5 {
		t.Fatalf("rms=5: %v", err)
	}
	_, err = e.Resolve([]string{"rms=0", "nodes=3", "oops"})
	if err == nil {
		t.Fatal("bad settings accepted")
	}
	for _, want := range []string{"rms must be an integer from 1 to 16", `no parameter "nodes"`, `"oops" is not name=value`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	// A setting that package targets takes as it is is checked when the model is built.
	s, _ := Lookup("replicaset/spec-replicas-change")
	if _, err := s.Make([]string{"staleness=soon"}); err == nil || !strings.Contains(err.Error(), "staleness must be a number") {
		t.Errorf("staleness=soon: %v", err)
	}
}

// TestTargetsAreCurrent checks package targets' generated list against the catalog: the same
// entries in the same order, with the same parameters.
func TestTargetsAreCurrent(t *testing.T) {
	all, listed := All(), targets.All()
	if len(all) != len(listed) {
		t.Fatalf("targets lists %d entries, the catalog has %d: run go generate ./models/targets", len(listed), len(all))
	}
	for i, e := range all {
		g := listed[i]
		same := e.Name == g.Name && e.Summary == g.Summary && e.MaxStates == g.MaxStates && len(e.Params) == len(g.Params)
		for j := 0; same && j < len(e.Params); j++ {
			p, q := e.Params[j], g.Params[j]
			same = p.Name == q.Name && p.Help == q.Help && p.Default == q.Default && p.Min == q.Min && p.Max == q.Max && slices.Equal(p.Choices, q.Choices)
		}
		if !same {
			t.Fatalf("targets' %s differs from the catalog's %s: run go generate ./models/targets", g.Name, e.Name)
		}
	}
}

func TestEveryEntryBuildsAndRuns(t *testing.T) {
	for _, e := range All() {
		v, err := e.Resolve(nil)
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		m, err := e.Build(v)
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		rep, err := m.Check(context.Background(), e.Name, checker.Options{MaxStates: 10000})
		if err != nil || rep.Target != e.Name || rep.Unique == 0 || len(rep.Properties) == 0 {
			t.Fatalf("%s: %v %+v", e.Name, err, rep)
		}
		// The sliced run gives the same report as Check.
		r, err := m.NewRun(e.Name, checker.Options{MaxStates: 10000})
		if err != nil {
			t.Fatal(err)
		}
		for !r.Step(context.Background(), 7) {
		}
		got, err := r.Report()
		got.DurationMS, rep.DurationMS = 0, 0
		got.Workers, rep.Workers = 0, 0
		if err != nil || got.Unique != rep.Unique || got.States != rep.States || got.Properties[0].Status != rep.Properties[0].Status {
			t.Fatalf("%s: sliced %+v, want %+v", e.Name, got, rep)
		}
	}
}

func FuzzResolve(f *testing.F) {
	for _, s := range []string{"rms=3", "rms=", "=3", "rms=99999999999999999999", "rms=-1", "x=y=z", ""} {
		f.Add(s)
	}
	e, _ := Lookup("classic/two-phase-commit")
	f.Fuzz(func(t *testing.T, s string) {
		v, err := e.Resolve([]string{s})
		if err == nil && (v.Int("rms") < 1 || v.Int("rms") > 16) {
			t.Fatalf("%q accepted as rms=%d", s, v.Int("rms"))
		}
	})
}

func TestExplore(t *testing.T) {
	e, _ := Lookup("classic/die-hard")
	m, _ := e.Build(Values{})
	steps, next, err := m.Explore([]int{1, 5})
	if err != nil || len(steps) != 3 || steps[1].Action != "FillBigJug" || steps[2].State != "big = 2\nsmall = 3" || len(next) != 6 {
		t.Fatalf("explore: %v %+v %v", err, steps, next)
	}
	if _, _, err := m.Explore([]int{6}); err == nil || !strings.Contains(err.Error(), "step 1: action 6 does not exist") {
		t.Fatalf("bad path: %v", err)
	}
	// A report's path replays to its trace.
	rep, _ := m.Check(context.Background(), e.Name, checker.Options{})
	p := rep.Properties[1]
	steps, _, err = m.Explore(p.Path)
	if err != nil || len(steps) != len(p.Trace) || steps[6].State != p.Trace[6].State {
		t.Fatalf("report path %v does not replay: %v", p.Path, err)
	}
}

func TestTraceGraph(t *testing.T) {
	e, _ := Lookup("classic/die-hard")
	m, _ := e.Build(Values{})
	rep, _ := m.Check(context.Background(), e.Name, checker.Options{})
	p := rep.Properties[1] // big ≠ 4: violated in 6 steps
	dot, nodes, err := m.TraceGraph(p.Path, p.LoopIndex())
	if err != nil || p.Status != "violated" {
		t.Fatal(err, p.Status)
	}
	// The 7 states of the trace, each with up to 6 successors: distinct states only.
	if nodes < 7 || nodes > 7*7 || strings.Count(dot, `class="trace"`) != 7+6 {
		t.Fatalf("%d nodes:\n%s", nodes, dot)
	}
	if !strings.Contains(dot, `tooltip="big = 0\nsmall = 0"`) || !strings.Contains(dot, `fillcolor="#fde0dd"`) {
		t.Fatalf("tooltips or the violating state missing:\n%s", dot)
	}
	if _, _, err := m.TraceGraph([]int{99}, -1); err == nil {
		t.Fatal("a bad path gave a graph")
	}
}

// Every property of every entry has a definition for people (the playground shows it on hover
// and focus), with the default settings and with the settings that add properties.
func TestEveryPropertyHasADefinition(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range All() {
		for _, sets := range [][]string{nil, {"consistency=causal", "expectations=on"}} {
			var ok []string
			for _, s := range sets {
				if _, err := e.Resolve([]string{s}); err == nil {
					ok = append(ok, s)
				}
			}
			m, err := e.Make(ok)
			if err != nil {
				t.Fatalf("%s: %v", e.Name, err)
			}
			rep, err := m.Check(context.Background(), e.Name, checker.Options{MaxStates: 1})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range rep.Properties {
				seen[p.Name] = true
				if len(p.Doc) < 40 || !strings.HasSuffix(p.Doc, ".") && !strings.HasSuffix(p.Doc, ")") {
					t.Errorf("%s: %q has no definition, or half of one: %q", e.Name, p.Name, p.Doc)
				}
			}
		}
	}
	if len(seen) < 30 {
		t.Errorf("only %d properties met", len(seen))
	}
}

// Exploring by hand describes each enabled action: its controller (the fairness group), whether
// a fault or a user takes it, whether it changes nothing (a self-loop: the same enabled actions
// after it), and whether it only narrows what may follow (a step the state it leaves covers: a
// rejected write, which leaves the latest revision as it is).
func TestChoices(t *testing.T) {
	e, _ := Lookup("classic/die-hard")
	m, _ := e.Build(Values{})
	_, next, _ := m.Explore([]int{1, 5}) // big = 2, small = 3
	if len(next) != 6 || next[0].Action != "FillSmallJug" || !next[0].Idle || next[1].Idle || next[0].Narrowing || next[0].Group != "" {
		t.Fatalf("die-hard: %+v", next)
	}
	// A self-loop changes nothing: the state after it is the state before, the same trace end.
	after, again, _ := m.Explore([]int{1, 5, 0})
	before, _, _ := m.Explore([]int{1, 5})
	if after[3].State != before[2].State || len(again) != len(next) {
		t.Fatalf("FillSmallJug at small = 3 changed the state: %q → %q", before[2].State, after[3].State)
	}
	e, _ = Lookup("statefulset/stale-reads")
	o, err := e.Make([]string{"consistency=resettable-session"})
	if err != nil {
		t.Fatal(err)
	}
	_, next, err = o.Explore([]int{0}) // the ControllerRevision is created
	if err != nil {
		t.Fatal(err)
	}
	var idle, env []string
	for _, c := range next {
		if c.Idle {
			idle = append(idle, c.Group+": "+c.Action)
		}
		if c.Narrowing {
			t.Errorf("a narrowing step after the first: %+v", c)
		}
		if c.Environment {
			env = append(env, c.Group)
		}
	}
	// Reading revision 1 again, its create rejected: the controller's session was already 1.
	if len(idle) != 1 || !strings.HasPrefix(idle[0], "statefulset-controller-1: statefulset-controller-1 read revision 1 (1 behind latest) and tried to create controllerrevision") {
		t.Fatalf("the idle steps after the first: %q", idle)
	}
	// At 59848's step 6 the controller may read revision 6, newer than its session, and have its
	// create rejected: the cluster stays as it is (the same latest revision), the step narrows.
	path := []int{0, 1, 0, 4, 4, 0}
	b6, next, err := o.Explore(path)
	if err != nil {
		t.Fatal(err)
	}
	k := slices.IndexFunc(next, func(c checker.Choice) bool { return c.Narrowing })
	if k < 0 || !strings.Contains(next[k].Action, "read revision 6 (1 behind latest) and tried to create pod db-0: 409 Conflict") || next[k].Idle {
		t.Fatalf("step 6's choices: %+v", next)
	}
	a6, _, _ := o.Explore(append(path, k))
	first := func(s string) string { return strings.SplitN(s, "\n", 2)[0] }
	if first(a6[len(a6)-1].State) != first(b6[len(b6)-1].State) {
		t.Fatalf("a narrowing step changed the latest revision: %q → %q", first(b6[len(b6)-1].State), first(a6[len(a6)-1].State))
	}
	if !slices.Contains(env, "crash kubelet/node-1") {
		t.Fatalf("environment groups %q", env)
	}
}
