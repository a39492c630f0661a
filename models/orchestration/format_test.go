package orchestration_test

import (
	"context"
	"testing"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/datastore"
	"github.com/themelios/themelios/models/orchestration"
	"github.com/themelios/themelios/models/scenario"
)

// A controller's READ column changes only with its own steps (and faults): the revision it
// last read, though history trimming (and, under per-kind caches, a cache's move to the end of
// its run) moves its session up. At 59848's step 8 the StatefulSet controller, which last read
// revision 3, used to show revision 4 when revision 3 was dropped.
func TestReadColumnChangesOnlyForTheActor(t *testing.T) {
	for _, c := range []struct {
		scenario string
		set      func(*scenario.Settings)
		property string
	}{
		{"statefulset/stale-reads", func(s *scenario.Settings) { s.Consistency = datastore.ResettableSession }, orchestration.OneNodePerPod},
		{"bugs/sts-ordered-stale-ready", nil, orchestration.OrderedCreate},
	} {
		m := model(t, c.scenario, c.set)
		r, err := checker.Check(context.Background(), m, checker.Options{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		p := r.Property(c.property)
		if p == nil || p.Trace == nil {
			t.Fatalf("%s: %s not violated", c.scenario, c.property)
		}
		prev := p.Trace.Init
		for k, st := range p.Trace.Steps {
			for i := range st.State.Local {
				before, after := m.ReadOf(i, *prev.Local[i]), m.ReadOf(i, *st.State.Local[i])
				if i != st.Action.Ctrl && before != after {
					t.Errorf("%s step %d (%s): %s's READ went from %q to %q", c.scenario, k+1, m.FormatAction(prev, st.Action), m.ControllerName(i), before, after)
				}
			}
			prev = st.State
		}
	}
}

// Graph labels tell states apart: of the first 300 states of the 59848 check, every one
// has a label of its own (the labels were the revision and the pods' nodes: 300 states had 18
// labels).
func TestGraphLabelsTellStatesApart(t *testing.T) {
	m := model(t, "statefulset/stale-reads", func(s *scenario.Settings) { s.Consistency = datastore.ResettableSession })
	r, err := checker.Check(context.Background(), m, checker.Options{Workers: 1, GraphLimit: 300, KeepGoing: true, MaxStates: 2000})
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]int{}
	for _, n := range r.Graph.Nodes {
		labels[n.Label]++
	}
	if len(r.Graph.Nodes) != 300 || len(labels) != 300 {
		t.Fatalf("%d states, %d labels", len(r.Graph.Nodes), len(labels))
	}
	t.Logf("%d states, %d labels", len(r.Graph.Nodes), len(labels))
}
