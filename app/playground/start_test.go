package playground

import (
	"context"
	"strconv"
	"testing"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/catalog"
)

// Every card's check fails as its story tells: the property and the trace length.
func TestCardsFailAsTold(t *testing.T) {
	want := map[string]string{
		"59848":           "a pod identity runs on at most one node (10 steps)",
		"two-controllers": "the ReplicaSet controller creates a pod only when the ReplicaSet has fewer active pods than the spec.replicas it read (3 steps)",
		"job-twice":       "the Job controller creates a pod only when the Job has fewer active pods than its spec, as read, wants (3 steps)",
		"stale-pod-cache": "StatefulSet pods are created in order, each once its predecessors are Running and Ready (9 steps)",
		"starved":         "pods that a node can take are eventually all scheduled (5 steps)",
	}
	if len(Cards) != len(want) {
		t.Fatalf("%d cards", len(Cards))
	}
	for _, c := range Cards {
		p := &Playground{}
		p.OnInit()
		if err := p.setCard(c); err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
		if p.target != c.Target || p.symmetry == c.NoSymmetry {
			t.Fatalf("%s: scenario %s, symmetry %v", c.ID, p.target, p.symmetry)
		}
		req, err := p.request()
		if err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
		e, _ := catalog.Lookup(req.Target)
		m, err := e.Make(req.Sets)
		if err != nil {
			t.Fatal(err)
		}
		opts := req.Options()
		opts.Workers = 1
		rep, err := m.Check(context.Background(), req.Target, opts)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, pr := range rep.Properties {
			if pr.Status == checker.Violated.String() && got == "" {
				got = pr.Name + " (" + strconv.Itoa(len(pr.Trace)-1) + " steps)"
			}
		}
		if got != want[c.ID] {
			t.Errorf("card %s: first violation %q, want %q", c.ID, got, want[c.ID])
		}
	}
	// A setting the scenario does not have is an error, not ignored.
	p := &Playground{}
	p.OnInit()
	if err := p.setParams([]string{"colour=blue"}); err == nil {
		t.Error("an unknown setting was accepted")
	}
}
