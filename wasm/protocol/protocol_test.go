package protocol

import (
	"context"
	"encoding/json"
	"github.com/themelios/themelios/checker"
	"strings"
	"testing"
	"time"
)

func TestDecodeRequest(t *testing.T) {
	r, err := DecodeRequest([]byte(`{"type":"check","id":3,"target":"classic/die-hard","strategy":"bfs"}`))
	if err != nil || r.ID != 3 {
		t.Fatalf("%v %+v", err, r)
	}
	o := r.Options()
	if o.MaxStates != DefaultMaxStates || o.Timeout != DefaultTimeout {
		t.Fatalf("defaults not applied: %+v", o)
	}
	_, err = DecodeRequest([]byte(`{"type":"run","target":"nope","strategy":"astar","maxStates":-1,"maxDepth":-1,"timeoutMs":99999999999}`))
	for _, want := range []string{`type "run"`, "unknown strategy", "maxStates", "maxDepth", "timeoutMs", `unknown target "nope"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
	if _, err := DecodeRequest([]byte(`[1,2]`)); err == nil {
		t.Error("a list accepted")
	}
}

func TestDecodeResponse(t *testing.T) {
	for _, bad := range []string{`{"type":"progress"}`, `{"type":"result"}`, `{"type":"error"}`, `{"type":"gossip"}`, `nope`} {
		if _, err := DecodeResponse([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

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

func FuzzDecodeRequest(f *testing.F) {
	f.Add([]byte(`{"type":"check","id":3,"target":"classic/die-hard","strategy":"bfs"}`))
	f.Add([]byte(`{"type":"check","target":"replicaset/overlapping","sets":["consistency=causal"],"strategy":"simulate","seed":4}`))
	f.Add([]byte(`{"maxStates":1e300}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := DecodeRequest(data)
		if err != nil {
			return
		}
		if o := r.Options(); o.Validate() != nil || o.MaxStates > MaxMaxStates || o.Timeout > MaxTimeout {
			t.Fatalf("accepted %s with options %+v", data, o)
		}
	})
}

func FuzzDecodeResponse(f *testing.F) {
	f.Add([]byte(`{"type":"progress","id":1,"progress":{"states":5}}`))
	f.Add([]byte(`{"type":"result","id":1,"report":{"target":"x","properties":[{"name":"p","trace":[{"action":"init"}]}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := DecodeResponse(data)
		if err == nil && r.Type == TypeResult && r.Report == nil {
			t.Fatal("a result without a report")
		}
	})
}

func TestOutcomeAndTutorials(t *testing.T) {
	var got []Response
	Run(Request{Type: TypeCheck, ID: 1, Target: "classic/die-hard", Strategy: "bfs"}, time.Second, func(r Response) { got = append(got, r) })
	if o := Outcome(got[len(got)-1].Report); o != "violated: big ≠ 4 after 6 steps" {
		t.Fatalf("outcome %q", o)
	}
	if _, err := DecodeTutorial([]byte(`{"slug":"a","title":"A","blocks":[{"run":{"target":"nope"}}]}`)); err == nil {
		t.Fatal("unknown scenario accepted")
	}
	if tu, err := DecodeTutorial([]byte(`{"slug":"a","title":"A","blocks":[{"html":"<p>x</p>"}]}`)); err != nil || len(tu.Blocks) != 1 {
		t.Fatalf("%v", err)
	}
}

func FuzzDecodeTutorial(f *testing.F) {
	f.Add([]byte(`{"slug":"a","title":"A","blocks":[{"html":"<p>x</p>"},{"run":{"target":"classic/die-hard","expect":"all hold"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if tu, err := DecodeTutorial(data); err == nil && (tu.Slug == "" || tu.Title == "") {
			t.Fatal("accepted a tutorial without slug or title")
		}
	})
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
// the temporal ones are unknown, the report says interrupted (the worker takes the message at
// the yield after each liveness progress message).
func TestRunContextCancelledDuringLiveness(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var last Response
	yields := 0
	RunContext(ctx, Request{Type: TypeCheck, ID: 4, Target: "replicaset/spec-replicas-change", Sets: []string{"controllers=2"}, Strategy: "bfs"}, time.Nanosecond,
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
	}
}
