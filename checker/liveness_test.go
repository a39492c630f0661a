package checker

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
)

// edge is an action of a fairGraph: to the state it leads to, in a named group.
type edge struct {
	to    int
	group string
}

// fairGraph is an explicit graph whose actions are grouped for weak fairness: groups in fair
// are weakly fair, the others are the environment's.
type fairGraph struct {
	inits []int
	succ  map[int][]edge // only looked up
	fair  map[string]bool
	props []Property[int]
}

func (g *fairGraph) Init() []int                      { return g.inits }
func (g *fairGraph) Actions(s int, buf []edge) []edge { return append(buf, g.succ[s]...) }
func (g *fairGraph) Next(s int, a edge) (int, bool)   { return a.to, true }
func (g *fairGraph) Encode(buf []byte, s int) []byte {
	return binary.LittleEndian.AppendUint32(buf, uint32(s))
}
func (g *fairGraph) Properties() []Property[int] { return g.props }
func (g *fairGraph) ActionGroup(a edge) ActionGroup {
	return ActionGroup{Name: a.group, Fair: g.fair[a.group], Environment: a.group == "env"}
}
func is(xs ...int) func(int) bool { return func(s int) bool { return slices.Contains(xs, s) } }
func statesOfEdges(tr *Trace[int, edge]) (s []int, loop int) {
	if tr == nil {
		return nil, -1
	}
	s = []int{tr.Init}
	for _, st := range tr.Steps {
		s = append(s, st.State)
	}
	if !tr.Cycle {
		return s, -1
	}
	return s, tr.CycleStart
}

// oneGroup hides a fairGraph's grouping: every action is then in one fair group.
type oneGroup struct{ *fairGraph }

func (oneGroup) ActionGroup() {} // shadows fairGraph.ActionGroup: oneGroup is not a Fairness

// checkLive runs BFS and DFS and returns the verdict and trace of the first property, which
// must agree between them.
func checkLive(t *testing.T, m Model[int, edge]) (Status, []int, int) {
	t.Helper()
	var st Status
	var states []int
	loop := -1
	for _, strategy := range []Strategy{BFS, DFS} {
		r := check(t, m, Options{Strategy: strategy, KeepGoing: true})
		if r.Err != nil {
			t.Fatalf("%v: %v", strategy, r.Err)
		}
		p := r.Properties[0]
		s, l := statesOfEdges(p.Trace)
		if strategy == BFS {
			st, states, loop = p.Status, s, l
		} else if p.Status != st || !reflect.DeepEqual(s, states) || l != loop {
			t.Fatalf("DFS %v %v loop %d, BFS %v %v loop %d", p.Status, s, l, st, states, loop)
		}
	}
	return st, states, loop
}

func TestFairnessHandBuilt(t *testing.T) {
	for _, c := range []struct {
		name string
		g    *fairGraph
		// the verdict and lasso with the groups as given, then with every action in one fair group
		grouped, together       Status
		groupedRun, togetherRun []int
		groupedLoop, togLoop    int
	}{{
		// A cycle of the environment beside a fair controller that leads to the goal: a run
		// looping forever starves the controller, which is unfair; with every action fair
		// together, the loop is a fair run.
		name: "environment cycle",
		g: &fairGraph{inits: []int{0}, succ: map[int][]edge{0: {{2, "env"}, {1, "ctrl"}}, 2: {{0, "env"}, {1, "ctrl"}}},
			fair: map[string]bool{"ctrl": true}, props: []Property[int]{{Name: "eventually 1", Expect: Eventually, Holds: is(1)}}},
		grouped: Holds, together: Violated, togetherRun: []int{0, 2, 0}, togLoop: 0, groupedLoop: -1,
	}, {
		// A self-loop is stuttering (as in TLA+): it neither takes its group nor keeps it
		// enabled. Here the controller only stutters, so a fair run may stop in 0; with every
		// action together, the environment's step to the goal is enabled, and taken.
		name: "self-loop",
		g: &fairGraph{inits: []int{0}, succ: map[int][]edge{0: {{0, "ctrl"}, {1, "env"}}},
			fair: map[string]bool{"ctrl": true}, props: []Property[int]{{Name: "eventually 1", Expect: Eventually, Holds: is(1)}}},
		grouped: Violated, groupedRun: []int{0}, groupedLoop: -1, together: Holds, togLoop: -1,
	}, {
		// Two cycles through 0, one for each of two fair groups; both groups are enabled
		// everywhere, and lead to the goal 9 from 1 and 2. A fair lasso must go round both
		// cycles; with every action together, one is enough.
		name: "two interleaved cycles",
		g: &fairGraph{inits: []int{0}, succ: map[int][]edge{
			0: {{1, "a"}, {2, "b"}}, 1: {{0, "a"}, {9, "b"}}, 2: {{0, "b"}, {9, "a"}}},
			fair: map[string]bool{"a": true, "b": true}, props: []Property[int]{{Name: "eventually 9", Expect: Eventually, Holds: is(9)}}},
		grouped: Violated, groupedRun: []int{0, 1, 0, 2, 0}, groupedLoop: 0,
		together: Violated, togetherRun: []int{0, 1, 0}, togLoop: 0,
	}, {
		// The goal is one fair step away from 0; an unfair step to 1 disables it, and 1 and 2
		// then cycle by a fair group: the cycle is fair, a lasso after the unfair step.
		name: "cycle after a fair action is disabled",
		g: &fairGraph{inits: []int{0}, succ: map[int][]edge{
			0: {{9, "g"}, {1, "env"}}, 1: {{2, "h"}}, 2: {{1, "h"}}},
			fair: map[string]bool{"g": true, "h": true}, props: []Property[int]{{Name: "eventually 9", Expect: Eventually, Holds: is(9)}}},
		grouped: Violated, groupedRun: []int{0, 1, 2, 1}, groupedLoop: 1,
		together: Violated, togetherRun: []int{0, 1, 2, 1}, togLoop: 1,
	}, {
		// The same with g still enabled on the cycle: weak fairness forces it, so it holds;
		// with every action together, the cycle is fair.
		name: "cycle where a fair action stays enabled",
		g: &fairGraph{inits: []int{0}, succ: map[int][]edge{
			0: {{9, "g"}, {1, "env"}}, 1: {{2, "h"}, {9, "g"}}, 2: {{1, "h"}, {9, "g"}}},
			fair: map[string]bool{"g": true, "h": true}, props: []Property[int]{{Name: "eventually 9", Expect: Eventually, Holds: is(9)}}},
		grouped: Holds, together: Violated, togetherRun: []int{0, 1, 2, 1}, togLoop: 1, groupedLoop: -1,
	}, {
		// Only the environment can act in 0: a fair run may stop there.
		name: "stutter where no fair group is enabled",
		g: &fairGraph{inits: []int{0}, succ: map[int][]edge{0: {{9, "env"}}},
			fair: map[string]bool{}, props: []Property[int]{{Name: "eventually 9", Expect: Eventually, Holds: is(9)}}},
		grouped: Violated, groupedRun: []int{0}, groupedLoop: -1,
		together: Holds, togLoop: -1,
	}, {
		// Two fair controllers undo each other forever (0 <-> 1) from 2, which only the
		// environment leaves: controllers do not come to rest (eventually always 2 or 3)...
		name: "fighting controllers",
		g: &fairGraph{inits: []int{2}, succ: map[int][]edge{
			2: {{3, "env"}, {0, "env"}}, 3: {{2, "c1"}}, 0: {{1, "c1"}}, 1: {{0, "c2"}}},
			fair: map[string]bool{"c1": true, "c2": true}, props: []Property[int]{{Name: "at rest", Expect: EventuallyAlways, Holds: is(2, 3)}}},
		grouped: Violated, groupedRun: []int{2, 0, 1, 0}, groupedLoop: 1,
		together: Violated, togetherRun: []int{2, 0, 1, 0}, togLoop: 1,
	}, {
		// ...while an environment that keeps acting (2 -> 3 -> 2) is not held against them.
		name: "environment acting forever",
		g: &fairGraph{inits: []int{2}, succ: map[int][]edge{2: {{3, "env"}}, 3: {{4, "c1"}}, 4: {{2, "c1"}}},
			fair: map[string]bool{"c1": true}, props: []Property[int]{{Name: "at rest", Expect: EventuallyAlways, Holds: is(2)}}},
		grouped: Holds, groupedLoop: -1,
		together: Violated, togetherRun: []int{2, 3, 4, 2}, togLoop: 0,
	}} {
		t.Run(c.name, func(t *testing.T) {
			st, run, loop := checkLive(t, c.g)
			if st != c.grouped || !reflect.DeepEqual(run, c.groupedRun) || loop != c.groupedLoop {
				t.Errorf("grouped: %v %v loop %d, want %v %v loop %d", st, run, loop, c.grouped, c.groupedRun, c.groupedLoop)
			}
			st, run, loop = checkLive(t, oneGroup{c.g})
			if st != c.together || !reflect.DeepEqual(run, c.togetherRun) || loop != c.togLoop {
				t.Errorf("together: %v %v loop %d, want %v %v loop %d", st, run, loop, c.together, c.togetherRun, c.togLoop)
			}
		})
	}
}

// A search cut by a bound reports the violations whose states it expanded (a cycle among them
// is real) and never says a temporal property holds.
func TestBoundedLiveness(t *testing.T) {
	n := 5000
	g := &graphModel{inits: []int{0}, succ: make([][]int, n)}
	for i := range n - 1 {
		g.succ[i] = []int{i + 1}
	}
	g.succ[1], g.succ[2] = []int{2, 3}, []int{1, 3}
	g.props = []Property[int]{{Name: "reaches the end", Expect: Eventually, Holds: func(s int) bool { return s == n-1 }}}
	for _, o := range []Options{{MaxStates: 20}, {MaxDepth: 10}, {Strategy: DFS, MaxDepth: 10}} {
		p := check(t, g, o).Properties[0]
		if p.Status != Violated || !reflect.DeepEqual(statesOf(p.Trace), []int{0, 1, 2, 1}) || p.Trace.CycleStart != 1 {
			t.Errorf("%+v: %v %v", o, p.Status, statesOf(p.Trace))
		}
	}
	g.succ[2] = []int{3}
	for _, o := range []Options{{MaxStates: 20}, {MaxDepth: 10}} {
		if p := check(t, g, o).Properties[0]; p.Status != Unknown {
			t.Errorf("%+v without the cycle: %v", o, p.Status)
		}
	}
	if p := check(t, g, Options{}).Properties[0]; p.Status != Holds {
		t.Errorf("complete: %v", p.Status)
	}
}

// An independent oracle on small random graphs, for Eventually, AlwaysEventually and LeadsTo:
// a property is violated exactly when, from a start state (an initial state where the goal
// fails; any reachable state where it fails; any reachable state where Holds holds and Then
// does not), a path through the region (where the goal, or Then, fails) reaches either a
// state where no fair group makes a move, or a set of states whose induced subgraph is
// strongly connected (with an edge) and in which every fair group enabled in all of them
// labels an inner edge. Every trace returned is checked to be such a run.
func TestFairnessOracle(t *testing.T) {
	groups := []string{"a", "a", "b", "b", "env"}
	for _, e := range []Expectation{Eventually, AlwaysEventually, LeadsTo} {
		violated, lassos := 0, 0
		for seed := uint64(1); seed <= 400; seed++ {
			r := rand.New(rand.NewPCG(seed, 7))
			n := 2 + r.IntN(5)
			g := &fairGraph{inits: []int{0}, succ: map[int][]edge{}, fair: map[string]bool{"a": true, "b": r.IntN(2) == 0}}
			for v := range n {
				for range 1 + r.IntN(3) {
					g.succ[v] = append(g.succ[v], edge{r.IntN(n), groups[r.IntN(len(groups))]})
				}
			}
			goal, hold := map[int]bool{}, map[int]bool{} // only looked up
			for v := range n {
				goal[v], hold[v] = v > 0 && r.IntN(2) == 0, r.IntN(2) == 0
			}
			p := Property[int]{Name: "p", Expect: e, Holds: func(s int) bool { return goal[s] }}
			start := func(v int) bool { return !goal[v] }
			if e == LeadsTo {
				p.Holds, p.Then = func(s int) bool { return hold[s] }, func(s int) bool { return goal[s] }
				start = func(v int) bool { return hold[v] && !goal[v] }
			}
			region := func(v int) bool { return !goal[v] }
			g.props = []Property[int]{p}
			want := oracleViolated(g, n, e == Eventually, start, region)
			res := check(t, g, Options{}).Properties[0]
			if (res.Status == Violated) != want {
				t.Fatalf("%v seed %d: %v, the oracle says violated=%v; graph %v fair %v goal %v holds %v", e, seed, res.Status, want, g.succ, g.fair, goal, hold)
			}
			if res.Status == Violated {
				checkFairRun(t, seed, g, res.Trace, e == Eventually, start, region)
				violated++
				if res.Trace.Cycle {
					lassos++
				}
			}
		}
		if violated < 80 || violated > 320 || lassos < 40 {
			t.Fatalf("%v: %d of 400 graphs violated, %d by a lasso: the oracle test is not exercising both ways", e, violated, lassos)
		}
	}
}

// moves are the fair groups of v's non-stuttering edges.
func moves(g *fairGraph, v int) map[string]bool {
	m := map[string]bool{} // only looked up
	for _, e := range g.succ[v] {
		if e.to != v && g.fair[e.group] {
			m[e.group] = true
		}
	}
	return m
}

func oracleViolated(g *fairGraph, n int, fromInit bool, start, region func(int) bool) bool {
	closure := func(seed map[int]bool, ok func(int) bool) map[int]bool {
		for changed := true; changed; {
			changed = false
			for v := range n {
				for _, e := range g.succ[v] {
					if seed[v] && ok(e.to) && !seed[e.to] {
						seed[e.to], changed = true, true
					}
				}
			}
		}
		return seed
	}
	reachable := closure(map[int]bool{0: true}, func(int) bool { return true })
	reach := map[int]bool{} // the states a violating run may visit from a start on; only looked up
	for v := range n {
		if reachable[v] && start(v) && (!fromInit || v == 0) {
			reach[v] = true
		}
	}
	reach = closure(reach, region)
	for v := range n {
		if reach[v] && len(moves(g, v)) == 0 {
			return true
		}
	}
	for set := 1; set < 1<<n; set++ {
		in := func(v int) bool { return set&(1<<v) != 0 }
		ok := true
		for v := range n {
			ok = ok && (!in(v) || reach[v])
		}
		if !ok {
			continue
		}
		// Strongly connected with an inner (non-stuttering) edge, and fair.
		taken := map[string]bool{} // only looked up
		hasEdge := false
		for v := range n {
			for _, e := range g.succ[v] {
				if in(v) && in(e.to) && e.to != v {
					taken[e.group], hasEdge = true, true
				}
			}
		}
		if !hasEdge || !stronglyConnected(g, n, in) {
			continue
		}
		fair := true
		for _, grp := range []string{"a", "b"} {
			always := g.fair[grp]
			for v := range n {
				always = always && (!in(v) || moves(g, v)[grp])
			}
			fair = fair && (!always || taken[grp])
		}
		if fair {
			return true
		}
	}
	return false
}

func stronglyConnected(g *fairGraph, n int, in func(int) bool) bool {
	first := -1
	for v := range n {
		if in(v) {
			first = v
			break
		}
	}
	for _, reverse := range []bool{false, true} {
		seen := map[int]bool{first: true} // only looked up
		for changed := true; changed; {
			changed = false
			for v := range n {
				for _, e := range g.succ[v] {
					from, to := v, e.to
					if reverse {
						from, to = to, from
					}
					if in(from) && in(to) && from != to && seen[from] && !seen[to] {
						seen[to], changed = true, true
					}
				}
			}
		}
		for v := range n {
			if in(v) && !seen[v] {
				return false
			}
		}
	}
	return true
}

// checkFairRun checks that tr is a fair violating run: a path of the graph that passes a start
// state and then stays in the region, and stops where no fair group moves, or ends in a cycle
// that takes every fair group enabled all along it.
func checkFairRun(t *testing.T, seed uint64, g *fairGraph, tr *Trace[int, edge], fromInit bool, start, region func(int) bool) {
	t.Helper()
	states := []int{tr.Init}
	for _, st := range tr.Steps {
		if !slices.Contains(g.succ[states[len(states)-1]], st.Action) || st.Action.to != st.State {
			t.Fatalf("seed %d: step %v is not an edge", seed, st)
		}
		states = append(states, st.State)
	}
	from := len(states) - 1 // the suffix in the region that begins at a start state
	for from > 0 && region(states[from-1]) {
		from--
	}
	for from < len(states) && !start(states[from]) {
		from++
	}
	if from == len(states) || fromInit && from != 0 {
		t.Fatalf("seed %d: the run %v does not stay in the region from a start state", seed, states)
	}
	last := states[len(states)-1]
	if !tr.Cycle {
		if len(moves(g, last)) > 0 {
			t.Fatalf("seed %d: the run %v stops where a fair group moves", seed, states)
		}
		return
	}
	if states[tr.CycleStart] != last || tr.CycleStart == len(states)-1 || tr.CycleStart < from {
		t.Fatalf("seed %d: the cycle of %v does not return to step %d in the region", seed, states, tr.CycleStart)
	}
	for _, grp := range []string{"a", "b"} {
		always, taken := g.fair[grp], false
		for i := tr.CycleStart; i < len(states); i++ {
			always = always && moves(g, states[i])[grp]
			if i > tr.CycleStart {
				taken = taken || tr.Steps[i-1].Action.group == grp && tr.Steps[i-1].State != states[i-1]
			}
		}
		if always && !taken {
			t.Fatalf("seed %d: the cycle of %v never takes %s, enabled all along", seed, states, grp)
		}
	}
}

// The liveness graph is the same, and so are the verdicts and traces, for any number of
// workers: recorded by BFS as it searches (levels expanded on every worker), or explored by the
// liveness pass after DFS (each level expanded on Options.Workers goroutines).
func TestLivenessWorkers(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	n := 3000
	g := &fairGraph{inits: []int{0}, succ: map[int][]edge{}, fair: map[string]bool{"a": true, "b": true}}
	for v := range n {
		for _, c := range []int{2*v + 1, 2*v + 2} {
			if c < n {
				g.succ[v] = append(g.succ[v], edge{c, "a"})
			}
		}
		g.succ[v] = append(g.succ[v], edge{r.IntN(n), []string{"a", "b", "env"}[r.IntN(3)]})
	}
	g.props = []Property[int]{
		{Name: "eventually 2999", Expect: Eventually, Holds: is(n - 1)},
		{Name: "multiples of 7 lead to multiples of 11", Expect: LeadsTo, Holds: func(s int) bool { return s%7 == 0 }, Then: func(s int) bool { return s%11 == 0 }},
		{Name: "at rest", Expect: Quiesces},
	}
	var first []PropertyResult[int, edge]
	for _, o := range []Options{{Workers: 1}, {Workers: 2}, {Workers: 3}, {Workers: 8}, {Strategy: DFS, Workers: 1}, {Strategy: DFS, Workers: 3}, {Strategy: DFS, Workers: 8}} {
		w := o.Workers
		o.KeepGoing = true
		res := check(t, g, o)
		if first == nil {
			first = res.Properties
			for _, p := range first {
				if p.Status != Violated {
					t.Fatalf("%s: %v (want a violation to compare)", p.Name, p.Status)
				}
			}
			continue
		}
		for i, p := range res.Properties {
			a, la := statesOfEdges(p.Trace)
			b, lb := statesOfEdges(first[i].Trace)
			if p.Status != first[i].Status || !reflect.DeepEqual(a, b) || la != lb {
				t.Fatalf("%v on %d workers: %s %v %v loop %d, BFS on 1 worker: %v %v loop %d", o.Strategy, w, p.Name, p.Status, a, la, first[i].Status, b, lb)
			}
		}
	}
}

// The liveness pass, when it explores (after DFS, simulation or a search under symmetry; BFS
// records the graph as it goes), reports its progress once the search is over.
func TestLivenessProgress(t *testing.T) {
	g := chain(2000)
	g.props = []Property[int]{{Name: "reaches the end", Expect: Eventually, Holds: func(s int) bool { return s == 1999 }}}
	var seen []int64
	r := check(t, g, Options{Strategy: DFS, Progress: func(p Progress) {
		if p.Liveness > 0 {
			seen = append(seen, p.Liveness)
		}
	}, ProgressEvery: time.Nanosecond})
	if r.Properties[0].Status != Holds || len(seen) < 100 || seen[len(seen)-1] < 1990 {
		t.Fatalf("%v; liveness progress %d reports %v", r.Properties[0].Status, len(seen), seen)
	}
}

// mirrored is a fairGraph whose states 1 and 2, and 3 and 4, form orbits; has is what it
// reports of its symmetry (SymmetryReporter).
type mirrored struct {
	*fairGraph
	has bool
}

// Representative maps 2 to 1 and 4 (2's successor) to 3 (1's).
func (m mirrored) Representative(s int) int {
	if s == 2 || s == 4 {
		return s - 1
	}
	return s
}
func (m mirrored) HasSymmetry() bool { return m.has }

// A model that reports no symmetry for its configuration is searched as without symmetry,
// recording the graph for the liveness pass as it goes; one that has some is searched one
// state per orbit, and the liveness pass explores every state again.
func TestSymmetryReporter(t *testing.T) {
	g := &fairGraph{inits: []int{0}, succ: map[int][]edge{0: {{1, "a"}, {2, "a"}}, 1: {{3, "a"}}, 2: {{4, "a"}}},
		fair: map[string]bool{"a": true}, props: []Property[int]{{Name: "eventually 3 or 4", Expect: Eventually, Holds: is(3, 4)}}}
	for _, c := range []struct {
		has      bool
		unique   int64
		recorded bool
	}{{false, 5, true}, {true, 3, false}} {
		m := mirrored{g, c.has}
		core, err := newCore[int, edge](m, Options{Symmetry: true}, true, 1)
		if err != nil {
			t.Fatal(err)
		}
		if (core.canon == nil) != !c.has || (core.record != nil) != c.recorded {
			t.Errorf("has symmetry %v: canonical %v, recorded %v", c.has, core.canon != nil, core.record != nil)
		}
		r, err := Check(context.Background(), m, Options{Symmetry: true, Workers: 1})
		if err != nil || r.Unique != c.unique || !r.Complete || r.Properties[0].Status != Holds {
			t.Errorf("has symmetry %v: %d states, %v; want %d, holds", c.has, r.Unique, r.Properties[0].Status, c.unique)
		}
	}
}

// covering is a fairGraph under a reduction (Covering) that covers the successors in covers;
// it counts the calls to Actions (the expansions, by the search and by the liveness pass).
type covering struct {
	*fairGraph
	covers   map[[2]int]bool
	expanded *int
}

func (g covering) Actions(s int, buf []edge) []edge {
	*g.expanded++
	return g.fairGraph.Actions(s, buf)
}
func (g covering) Covered(s, next int) bool { return g.covers[[2]int{s, next}] }

// After a complete BFS under a reduction that skipped no step, the recorded graph is the whole
// graph: the liveness pass decides on it without exploring again (3 expansions, one per
// state). When a step was skipped (0 → 1, covered by 0), it explores the whole graph again (2
// expansions by the search, 3 by the pass).
func TestLivenessRecordWithoutSkips(t *testing.T) {
	g := &fairGraph{inits: []int{0}, succ: map[int][]edge{0: {{1, "a"}, {2, "a"}}, 1: {{2, "a"}}, 2: {{2, "a"}}},
		fair: map[string]bool{"a": true}, props: []Property[int]{{Name: "eventually 2", Expect: Eventually, Holds: is(2)}}}
	for _, c := range []struct {
		covers             map[[2]int]bool
		expanded, explored int
	}{{nil, 3, 0}, {map[[2]int]bool{{0, 1}: true}, 2 + 3, 3}} {
		n := 0
		r, err := Check(context.Background(), covering{g, c.covers, &n}, Options{Workers: 1})
		if err != nil || !r.Complete || r.Properties[0].Status != Holds || n != c.expanded || r.LiveExplored != int64(c.explored) {
			t.Errorf("covers %v: %v, complete %v, %d expansions; want holds after %d", c.covers, r.Properties[0].Status, r.Complete, n, c.expanded)
		}
	}
}

// stepCovering is a fairGraph under a reduction of sibling steps only (StepCovering): the
// steps to the states in covers are covered.
type stepCovering struct {
	*fairGraph
	covers []int
}

func (g stepCovering) CoveredStep(s int, a edge) bool { return slices.Contains(g.covers, a.to) }

// A reduction of sibling steps alone is a reduction too: after a complete search that skipped
// 0 → 1 (covered by 0 → 2; 2 simulates 1), the liveness pass explores the whole graph again
// and finds the fair run that stays in 1, which the record lacks.
func TestLivenessStepCovering(t *testing.T) {
	g := &fairGraph{inits: []int{0}, succ: map[int][]edge{0: {{1, "a"}, {2, "a"}}, 1: {{1, "a"}}, 2: {{2, "a"}}},
		fair: map[string]bool{"a": true}, props: []Property[int]{{Name: "eventually 2", Expect: Eventually, Holds: is(2)}}}
	r, err := Check(context.Background(), stepCovering{g, []int{1}}, Options{Workers: 1})
	if err != nil || !r.Complete || r.Unique != 2 || r.Properties[0].Status != Violated {
		t.Fatalf("%d states, complete %v: %v; want 2 states, violated", r.Unique, r.Complete, r.Properties[0].Status)
	}
	if s, _ := statesOfEdges(r.Properties[0].Trace); !slices.Equal(s, []int{0, 1}) {
		t.Errorf("trace %v; want 0 1 (then 1 forever)", s)
	}
}
