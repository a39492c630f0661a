package engine

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/catalog"
	"github.com/themelios/themelios/tutorials"
	"github.com/themelios/themelios/wasm/protocol"
)

// The protocol's names, unqualified in these tests.
type (
	Request  = protocol.Request
	Response = protocol.Response
)

const (
	TypeCheck    = protocol.TypeCheck
	TypeProgress = protocol.TypeProgress
	TypeResult   = protocol.TypeResult
	TypeError    = protocol.TypeError
)

var (
	DecodeResponse = protocol.DecodeResponse
	DecodeRequest  = protocol.DecodeRequest
	IsCancel       = protocol.IsCancel
	Outcome        = protocol.Outcome
)

func TestRun(t *testing.T) {
	var got []Response
	Run(Request{Type: TypeCheck, ID: 7, Target: "classic/die-hard", Strategy: "bfs"}, 0, func(r Response) { got = append(got, r) })
	last := got[len(got)-1]
	if last.Type != TypeResult || last.ID != 7 || last.Report.Properties[1].Status != "violated" || len(last.Report.Properties[1].Trace) != 7 {
		t.Fatalf("result %+v", last)
	}
	// Every message round-trips through JSON and the decoder.
	for _, r := range got {
		data, _ := json.Marshal(r)
		if _, err := DecodeResponse(data); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
	}
	got = nil
	Run(Request{Type: TypeCheck, ID: 8, Target: "classic/two-phase-commit", Sets: []string{"rms=0"}, Strategy: "bfs"}, time.Second, func(r Response) { got = append(got, r) })
	if len(got) != 1 || got[0].Type != TypeError || !strings.Contains(got[0].Error, "rms must be") {
		t.Fatalf("bad setting: %+v", got)
	}
	// Progress is posted during a long run.
	got = nil
	Run(Request{Type: TypeCheck, ID: 9, Target: "classic/two-phase-commit", Sets: []string{"rms=6"}, Strategy: "bfs"}, time.Nanosecond, func(r Response) { got = append(got, r) })
	if len(got) < 3 || got[0].Type != TypeProgress || got[0].Progress.Unique == 0 || got[len(got)-1].Report.Unique != 50816 {
		t.Fatalf("%d messages, first %+v", len(got), got[0])
	}
}

// The playground's budget is a state bound like --max-states: the worker stops within one
// state's successors of it, says so in the report's stopped field (through JSON, as the page
// receives it), and leaves unknown what it did not check.
func TestBudgetStopsTheSearch(t *testing.T) {
	for _, c := range []struct {
		maxStates int64
		stopped   checker.StopReason
	}{{1000, "max-states"}, {0, ""}} {
		var last Response
		Run(Request{Type: TypeCheck, ID: 1, Target: "classic/two-phase-commit", Sets: []string{"rms=6"}, Strategy: "bfs", MaxStates: c.maxStates}, time.Second,
			func(r Response) { last = r })
		data, _ := json.Marshal(last)
		r, err := DecodeResponse(data)
		if err != nil || r.Report == nil {
			t.Fatalf("%s: %v", data, err)
		}
		rep := r.Report
		if rep.Stopped != c.stopped || rep.Complete != (c.stopped == "") || c.maxStates > 0 && (rep.Unique < c.maxStates || rep.Unique >= c.maxStates+14) {
			t.Fatalf("budget %d: %d states, stopped %q, complete %v", c.maxStates, rep.Unique, rep.Stopped, rep.Complete)
		}
		if c.maxStates > 0 && (rep.Properties[0].Status != "unknown" || !strings.Contains(rep.Properties[0].Verdict(*rep), "not checked to the end: the search stopped at the state bound")) {
			t.Fatalf("budget %d: %s", c.maxStates, rep.Properties[0].Verdict(*rep))
		}
	}
}

// A liveness counterexample through the worker protocol (run natively and, by make wasm, in
// WebAssembly under Node.js): the same lasso, progress from the liveness pass, and the outcome
// a tutorial's widget shows.
func TestRunLasso(t *testing.T) {
	var got []Response
	Run(Request{Type: TypeCheck, ID: 2, Target: "pod/restart-loop", Strategy: "dfs"}, time.Nanosecond, func(r Response) { got = append(got, r) })
	last := got[len(got)-1]
	if last.Type != TypeResult {
		t.Fatalf("last message %+v", last)
	}
	p := last.Report.Properties[2]
	if p.Loop == nil || *p.Loop != 3 || len(p.Trace) != 6 || !strings.Contains(p.Trace[4].Action, "scheduler-1 read revision 1 (2 behind latest) and tried to bind pod a: 409 Conflict") {
		t.Fatalf("lasso %+v", p)
	}
	if o := Outcome(last.Report); o != "violated: pods that a node can take are eventually all scheduled after 5 steps, then steps 4–5 repeat forever" {
		t.Fatalf("outcome %q", o)
	}
	liveness := false
	for _, r := range got {
		liveness = liveness || r.Type == TypeProgress && r.Progress.Liveness > 0
	}
	if !liveness {
		t.Fatal("no progress from the liveness pass")
	}
}

// Symmetry reduction through the worker: two-phase commit with 3 resource managers has 80
// states up to permutations of the resource managers (288 without).
func TestRunSymmetry(t *testing.T) {
	for _, c := range []struct {
		symmetry bool
		unique   int64
	}{{false, 288}, {true, 80}} {
		var last Response
		Run(Request{Type: TypeCheck, ID: 1, Target: "classic/two-phase-commit", Sets: []string{"rms=3"}, Strategy: "bfs", Symmetry: c.symmetry}, time.Second, func(r Response) { last = r })
		if last.Type != TypeResult || last.Report.Unique != c.unique || !last.Report.Complete {
			t.Fatalf("symmetry %v: %+v", c.symmetry, last)
		}
	}
}

// A cancelled check posts the verdicts it reached, its report saying it was interrupted; the
// yield hook runs with each progress message.
func TestRunContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var last Response
	yields := 0
	RunContext(ctx, Request{Type: TypeCheck, ID: 3, Target: "classic/two-phase-commit", Sets: []string{"rms=7"}, Strategy: "bfs"}, time.Nanosecond,
		func(r Response) {
			last = r
			if r.Type == TypeProgress && r.Progress.Unique > 1000 {
				cancel()
			}
		}, func() { yields++ })
	if last.Type != TypeResult || last.Report.Complete || last.Report.Stopped != "interrupted" || last.Report.Unique < 1000 || yields == 0 {
		t.Fatalf("after cancel: %+v (yields %d)", last, yields)
	}
	if !IsCancel([]byte(`{"type":"cancel"}`)) || IsCancel([]byte(`{"type":"check"}`)) || IsCancel([]byte(`nope`)) {
		t.Fatal("IsCancel")
	}
}

// A cancel during the liveness pass stops it: the safety verdicts the search reached stand,
// the temporal ones are unknown, the report says the pass was interrupted (the worker takes the message at
// the yield after each liveness progress message). After DFS, the pass explores the graph.
func TestRunContextCancelledDuringLiveness(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var last Response
	yields := 0
	RunContext(ctx, Request{Type: TypeCheck, ID: 4, Target: "replicaset/spec-replicas-change", Sets: []string{"controllers=2"}, Strategy: "dfs"}, time.Nanosecond,
		func(r Response) { last = r }, func() {
			yields++
			if last.Type == TypeProgress && last.Progress.Liveness > 0 {
				cancel()
			}
		})
	if last.Type != TypeResult || last.Report.Stopped != "interrupted" {
		t.Fatalf("after a cancel during liveness: %+v", last)
	}
	temporal, safe := 0, 0
	for _, p := range last.Report.Properties {
		switch {
		case p.Temporal() && p.Status == "unknown":
			temporal++
		case !p.Temporal() && p.Status != "unknown":
			safe++
		}
	}
	if temporal == 0 || safe == 0 || yields == 0 {
		t.Fatalf("%d safety verdicts kept, %d temporal unknown, %d yields: %+v", safe, temporal, yields, last.Report.Properties)
	}
	for _, p := range last.Report.Properties {
		if !p.Temporal() && p.Status != "holds" {
			t.Errorf("%q is %s after an exhaustive search", p.Name, p.Status)
		}
		// The words say that the search was exhaustive and the pass after it was cut.
		if want := "unknown: not checked to the end: the search explored every state, but the liveness pass after it was interrupted"; p.Temporal() && p.Verdict(*last.Report) != want {
			t.Errorf("%q: %q, want %q", p.Name, p.Verdict(*last.Report), want)
		}
	}
	if got := last.Report.Extent(); got != "every state searched, the liveness pass interrupted" {
		t.Errorf("extent %q", got)
	}
}
func TestOutcome(t *testing.T) {
	var got []Response
	Run(Request{Type: TypeCheck, ID: 1, Target: "classic/die-hard", Strategy: "bfs"}, time.Second, func(r Response) { got = append(got, r) })
	if o := protocol.Outcome(got[len(got)-1].Report); o != "violated: big ≠ 4 after 6 steps" {
		t.Fatalf("outcome %q", o)
	}
}

// countingModel counts the models built and the replays asked of them.
type countingModel struct {
	catalog.Checkable
	replays *int
}

func (c countingModel) Replay(path []int) (catalog.Replayed, error) {
	*c.replays++
	return c.Checkable.Replay(path)
}

// The explorer builds a model once per target and settings and replays a path once for all
// its steps' actions (stepping back and forth through a trace asks for each step); what it
// lists is what a fresh exploration of the prefix lists.
func TestExplorerReplaysOnce(t *testing.T) {
	builds, replays := 0, 0
	x := Explorer{Make: func(target string, sets []string) (catalog.Checkable, error) {
		builds++
		e, _ := catalog.Lookup(target)
		m, err := e.Make(sets)
		return countingModel{m, &replays}, err
	}}
	path := []int{0, 0, 0}
	explored := x.Handle(Request{Type: protocol.TypeExplore, ID: 5, Target: "replicaset/spec-replicas-change", Path: path})
	if explored.Type != protocol.TypeExplored || explored.ID != 5 || len(explored.Explored.Steps) != 4 || len(explored.Explored.Next) == 0 {
		t.Fatalf("explore: %+v", explored)
	}
	for range 2 {
		for _, step := range []int{3, 2, 1, 0, 1, 2} {
			r := x.Handle(Request{Type: protocol.TypeChoices, Target: "replicaset/spec-replicas-change", Path: path, Step: step})
			fresh := x.Handle(Request{Type: protocol.TypeExplore, Target: "replicaset/spec-replicas-change", Path: path[:step]})
			if r.Type != protocol.TypeExplored || !slices.Equal(r.Explored.Next, fresh.Explored.Next) {
				t.Fatalf("step %d: %+v, fresh %+v", step, r.Explored, fresh.Explored)
			}
		}
	}
	if builds != 1 || replays != 1 {
		t.Fatalf("%d builds, %d replays; want 1 and 1", builds, replays)
	}
	x.Handle(Request{Type: protocol.TypeChoices, Target: "replicaset/spec-replicas-change", Sets: []string{"consistency=causal"}, Path: path, Step: 1})
	if builds != 2 || replays != 2 {
		t.Fatalf("other settings: %d builds, %d replays; want 2 and 2", builds, replays)
	}
}

// The trace's neighbourhood as DOT, and the errors of a run that cannot be followed.
func TestExplorerGraphAndErrors(t *testing.T) {
	var x Explorer
	loop := 0
	r := x.Handle(Request{Type: protocol.TypeGraph, ID: 2, Target: "classic/die-hard", Path: []int{1, 5}, Loop: &loop})
	if r.Type != protocol.TypeDOT || r.ID != 2 || r.DOT.Nodes < 3 || !strings.Contains(r.DOT.Source, "digraph") {
		t.Fatalf("graph: %+v", r)
	}
	for req, want := range map[*Request]string{
		{Type: protocol.TypeExplore, ID: 3, Target: "classic/die-hard", Path: []int{99}}:                                 "99",
		{Type: protocol.TypeExplore, ID: 3, Target: "nope"}:                                                              "unknown target",
		{Type: protocol.TypeChoices, ID: 3, Target: "replicaset/spec-replicas-change", Sets: []string{"staleness=soon"}}: "staleness must be",
		{Type: protocol.TypeCheck, ID: 3, Target: "classic/die-hard"}:                                                    "not a request about a run",
	} {
		if r := x.Handle(*req); r.Type != protocol.TypeError || r.ID != 3 || !strings.Contains(r.Error, want) {
			t.Errorf("%+v: %+v, want an error with %q", *req, r, want)
		}
	}
	// Every answer goes through JSON and the page's decoder.
	for _, r := range []Response{r, x.Handle(Request{Type: protocol.TypeExplore, ID: 4, Target: "classic/die-hard"})} {
		data, _ := json.Marshal(r)
		if got, err := DecodeResponse(data); err != nil || got.Type != r.Type {
			t.Fatalf("%s: %v", data, err)
		}
	}
}

// The warm-up explores the first states of each of its checks (every target builds; the
// ReplicaSet check ends at its violation), and a cancel stops it within one step of a few
// states: its first step expands four.
func TestWarmUp(t *testing.T) {
	explored := WarmUp(context.Background(), nil)
	if want := []int64{4001, 1144, 1502, 1500}; !slices.Equal(explored, want) {
		t.Errorf("warm-up explored %v states, want %v", explored, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	yields := 0
	explored = WarmUp(ctx, func() {
		yields++
		cancel()
	})
	if yields != 1 || explored[0] == 0 || explored[0] > 32 || explored[1] != 0 || explored[2] != 0 || explored[3] != 0 {
		t.Errorf("cancelled at its first yield, the warm-up yielded %d times and explored %v states", yields, explored)
	}
}

// BenchmarkPlayground runs the playground's checks as the worker does (RunContext): the 59848
// card and every tutorial widget, each to its result, which must be the widget's expected
// outcome. `make pgo` profiles it into the worker's build profile (wasm/worker/default.pgo).
// widgets returns every tutorial's run widgets, in order.
func widgets(tb testing.TB) []protocol.RunWidget {
	tb.Helper()
	all, err := tutorials.All()
	if err != nil {
		tb.Fatal(err)
	}
	var out []protocol.RunWidget
	for _, tu := range all {
		for _, block := range tu.Blocks {
			if block.Run != nil {
				out = append(out, *block.Run)
			}
		}
	}
	return out
}

func BenchmarkPlayground(b *testing.B) {
	reqs := []Request{{Type: TypeCheck, ID: 1, Target: "statefulset/stale-reads", Sets: []string{"consistency=resettable-session"},
		Strategy: "bfs", Symmetry: true}}
	expect := []string{"violated: a pod identity runs on at most one node after 10 steps"}
	for _, w := range widgets(b) {
		reqs, expect = append(reqs, w.Request(1)), append(expect, w.Expect)
	}
	if len(reqs) == 1 {
		b.Fatal("no tutorial widget: the tutorials' widgets are not where they were")
	}
	for b.Loop() {
		for i, r := range reqs {
			got := ""
			RunContext(context.Background(), r, time.Hour, func(resp Response) {
				switch resp.Type {
				case TypeError:
					b.Fatalf("%s: %s", r.Target, resp.Error)
				case TypeResult:
					got = protocol.Outcome(resp.Report)
				}
			}, nil)
			if got != expect[i] {
				b.Fatalf("%s %v: %q, want %q", r.Target, r.Sets, got, expect[i])
			}
		}
	}
}
