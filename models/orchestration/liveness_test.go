package orchestration_test

import (
	"context"
	"strings"
	"testing"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/datastore"
	"github.com/themelios/themelios/models/orchestration"
	"github.com/themelios/themelios/models/scenario"
)

// lasso checks that property name is violated by a trace of steps steps whose cycle starts at
// state loop (-1: a run that stops), and whose last action says last.
func lasso(t *testing.T, m *orchestration.Model, r checker.Result[orchestration.State, orchestration.Action], name string, steps, loop int, last string) {
	t.Helper()
	p := r.Property(name)
	if p == nil || p.Status != checker.Violated {
		t.Fatalf("%s: %v", name, p)
	}
	gotLoop := -1
	if p.Trace.Cycle {
		gotLoop = p.Trace.CycleStart
	}
	rendered := checker.RenderTrace[orchestration.State, orchestration.Action](m, p.Trace)
	if len(p.Trace.Steps) != steps || gotLoop != loop || !strings.Contains(rendered[len(rendered)-1].Action, last) {
		var b strings.Builder
		for _, s := range rendered {
			b.WriteString(s.Action + "\n")
		}
		t.Fatalf("%s: %d steps, loop %d, want %d and %d ending with %q:\n%s", name, len(p.Trace.Steps), gotLoop, steps, loop, last, b.String())
	}
}

func check(t *testing.T, m *orchestration.Model) checker.Result[orchestration.State, orchestration.Action] {
	t.Helper()
	r, err := checker.Check(context.Background(), m, checker.Options{Workers: 2, KeepGoing: true})
	if err != nil || r.Err != nil || !r.Complete {
		t.Fatalf("%v %v complete %v", err, r.Err, r.Complete)
	}
	return r
}

// A scheduler and a kubelet that keep restarting onto a cache two revisions old starve a pod
// forever: lassos against "eventually scheduled" and "eventually runs". Reading the latest
// revision, the same restarts are harmless.
func TestRestartLoopStarvesPods(t *testing.T) {
	m := model(t, "pod/restart-loop", nil)
	r := check(t, m)
	// 324 states, 270 of which the safety search visits under the reductions (the liveness
	// pass explores all of them).
	if full, _ := checker.Check(context.Background(), m, checker.Options{KeepGoing: true, NoReduction: true}); r.Unique != 270 || full.Unique != 324 {
		t.Errorf("%d states (reduced), %d, want 270 and 324", r.Unique, full.Unique)
	}
	// The scheduler's bind of a fails (409) and puts a behind b in its queue; it restarts,
	// its queue empty again, before it gets to b: forever.
	lasso(t, m, r, orchestration.PodsScheduled, 5, 3, "scheduler-1 restarted")
	steps := checker.RenderTrace[orchestration.State, orchestration.Action](m, r.Property(orchestration.PodsScheduled).Trace)
	if !strings.Contains(steps[4].Action, "scheduler-1 read revision 1 (2 behind latest) and tried to bind pod a: 409 Conflict") {
		t.Errorf("step 4: %s", steps[4].Action)
	}
	// b is bound, but the kubelet restarts onto a view from before the binding, forever.
	lasso(t, m, r, orchestration.PodsRun, 5, 3, "kubelet/node-1 read revision 2 (2 behind latest) and updated the status of pod a to Running")
	if p := r.Property(orchestration.ControllersRest); p.Status != checker.Holds {
		t.Errorf("%s: %v (restarts are the environment: they stop)", p.Name, p.Status)
	}
	// The cycle really returns: its last state is its first.
	p := r.Property(orchestration.PodsScheduled)
	at := p.Trace.Init
	if p.Trace.CycleStart > 0 {
		at = p.Trace.Steps[p.Trace.CycleStart-1].State
	}
	if string(m.Encode(nil, at)) != string(m.Encode(nil, p.Trace.Last())) {
		t.Error("the lasso's last state is not the state its cycle starts at")
	}
	sync := check(t, model(t, "pod/restart-loop", func(s *scenario.Settings) { s.Consistency = datastore.Synchronous }))
	for _, p := range sync.Properties {
		if p.Status != checker.Holds {
			t.Errorf("synchronous: %s %v", p.Name, p.Status)
		}
	}
}

// A node that crashes may never come back (the environment is not fair): the ReplicaSet's new
// pod then waits forever, a run that stops. Declaring rejoins fair makes the node return, and
// the ReplicaSet converges.
func TestNodeLossAndFairRejoin(t *testing.T) {
	m := model(t, "replicaset/node-loss", nil)
	r := check(t, m)
	lasso(t, m, r, orchestration.ReplicaSetsConverge, 3, -1, "node node-1 crashed")
	fair := model(t, "replicaset/node-loss", func(s *scenario.Settings) { s.Fair = []string{"rejoin"} })
	rf := check(t, fair)
	if rf.Unique != r.Unique {
		t.Errorf("fairness changed the state space: %d, %d", rf.Unique, r.Unique)
	}
	for _, p := range rf.Properties {
		if p.Status != checker.Holds {
			t.Errorf("fair rejoin: %s %v", p.Name, p.Status)
		}
	}
}

// Fairness groups: each controller replica its own, faults by kind and component.
func TestActionGroups(t *testing.T) {
	m := model(t, "replicaset/node-loss", func(s *scenario.Settings) { s.Controllers, s.Fair = 2, []string{"rejoin", "client"} })
	for _, c := range []struct {
		a    orchestration.Action
		want checker.ActionGroup
	}{
		{orchestration.Action{Kind: orchestration.Step, Ctrl: 0}, checker.ActionGroup{Name: "kubelet/node-1", Fair: true}},
		{orchestration.Action{Kind: orchestration.Step, Ctrl: 2}, checker.ActionGroup{Name: "scheduler-2", Fair: true}},
		{orchestration.Action{Kind: orchestration.Crash, Ctrl: 0}, checker.ActionGroup{Name: "crash kubelet/node-1", Environment: true}},
		{orchestration.Action{Kind: orchestration.Rejoin, Ctrl: 0}, checker.ActionGroup{Name: "rejoin kubelet/node-1", Fair: true, Environment: true}},
		{orchestration.Action{Kind: orchestration.Restart, Ctrl: 1}, checker.ActionGroup{Name: "restart scheduler-1", Environment: true}},
		{orchestration.Action{Kind: orchestration.Scale}, checker.ActionGroup{Name: "client", Fair: true, Environment: true}},
	} {
		if g := m.ActionGroup(c.a); g != c.want {
			t.Errorf("%+v: %+v, want %+v", c.a, g, c.want)
		}
	}
	// A fair environment is still the environment: with crashes and rejoins both fair, the
	// controllers' properties are not broken by faults that never stop (no run lets the
	// environment stop: a node that is up must crash, one that is down must rejoin).
	r := check(t, model(t, "replicaset/node-loss", func(s *scenario.Settings) { s.Fair = []string{"crash", "rejoin"} }))
	for _, name := range []string{orchestration.ControllersRest, orchestration.ReplicaSetsConverge} {
		if p := r.Property(name); p.Status != checker.Holds {
			t.Errorf("fair crashes and rejoins: %s %v", name, p.Status)
		}
	}
}

// A ReplicaSet controller reading a cache one revision behind, without expectations, creates
// and deletes pods forever: it never comes to rest. The space is infinite; the search is
// bounded, and the cycle found among the states it explored is a real one.
func TestStaleChurn(t *testing.T) {
	m := model(t, "replicaset/stale-churn", nil)
	r, err := checker.Check(context.Background(), m, checker.Options{Workers: 2, MaxStates: 20000, KeepGoing: true})
	if err != nil || r.Complete {
		t.Fatalf("%v, complete %v", err, r.Complete)
	}
	lasso(t, m, r, orchestration.ControllersRest, 15, 5, "kubelet/node-1 read revision 15 (latest) and started the containers of pod web-pxvbb")
	lasso(t, m, r, orchestration.ReplicaSetsConverge, 15, 5, "started the containers of pod web-pxvbb")
	for _, name := range []string{orchestration.PodsScheduled, orchestration.PodsRun} {
		if p := r.Property(name); p.Status != checker.Unknown {
			t.Errorf("bounded: %s %v", name, p.Status)
		}
	}
	// The cycle deletes and creates pods.
	steps := checker.RenderTrace[orchestration.State, orchestration.Action](m, r.Property(orchestration.ControllersRest).Trace)
	var deletes, creates int
	for _, st := range steps[6:] {
		deletes += strings.Count(st.Action, "asked to delete pod")
		creates += strings.Count(st.Action, "created pod")
	}
	if deletes != 2 || creates != 2 {
		t.Errorf("the cycle deletes %d and creates %d pods, want 2 and 2", deletes, creates)
	}
	// Reading the latest revision, or keeping upstream's expectations, the controller
	// converges and rests (complete searches).
	for name, set := range map[string]func(*scenario.Settings){
		"synchronous":     func(s *scenario.Settings) { s.Consistency = datastore.Synchronous },
		"expectations on": func(s *scenario.Settings) { s.Expectations = orchestration.ExpectationsOn },
	} {
		r := check(t, model(t, "replicaset/stale-churn", set))
		if !r.Complete {
			t.Errorf("%s: not complete after %d states", name, r.Unique)
		}
		for _, p := range r.Properties {
			if p.Status != checker.Holds {
				t.Errorf("%s: %s %v", name, p.Name, p.Status)
			}
		}
	}
}
