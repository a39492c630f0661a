package orchestration_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
	"github.com/themelios/themelios/models/orchestration"
	"github.com/themelios/themelios/models/scenario"
)

// informer sets per-kind caches and a consistency level.
func informer(level datastore.Level) func(*scenario.Settings) {
	return func(s *scenario.Settings) { s.Cache, s.Consistency = orchestration.CacheInformer, level }
}

// reachable visits the states a BFS of m reaches, one per orbit of its symmetry, up to limit.
func reachable(m *orchestration.Model, limit int, visit func(s orchestration.State)) {
	seen := map[string]bool{}
	queue := m.Init()
	var acts []orchestration.Action
	for len(queue) > 0 && len(seen) < limit {
		s := queue[0]
		queue = queue[1:]
		k := string(m.Encode(nil, m.Representative(s)))
		if seen[k] {
			continue
		}
		seen[k] = true
		visit(s)
		acts = m.Actions(s, acts[:0])
		for _, a := range acts {
			if next, ok := m.Next(s, a); ok {
				queue = append(queue, next)
			}
		}
	}
}

// explore visits the states reachable visits and each action listed in them.
func explore(m *orchestration.Model, limit int, visit func(s orchestration.State, a orchestration.Action)) {
	var acts []orchestration.Action
	reachable(m, limit, func(s orchestration.State) {
		acts = m.Actions(s, acts[:0])
		for _, a := range acts {
			visit(s, a)
		}
	})
}

// freshJobStalePods reports whether step a of the Job controller in s reads the Job as the latest
// revision has it with pods that no retained revision holding that Job has: a fresh Job and a
// stale pod cache.
func freshJobStalePods(m *orchestration.Model, s orchestration.State, a orchestration.Action) bool {
	if a.Kind != orchestration.Step || !strings.HasPrefix(m.ControllerName(a.Ctrl), "job-controller") {
		return false
	}
	v := m.StepView(s, a)
	latest := s.Store.Latest().Cluster
	jobs := v.OfKind(cluster.KindJob)
	if len(jobs) == 0 || !cluster.SameKind(v, latest, cluster.KindJob) {
		return false
	}
	for _, r := range s.Store.History {
		if cluster.SameKind(r.Cluster, latest, cluster.KindJob) && cluster.SameKind(r.Cluster, v, cluster.KindPod) {
			return false
		}
	}
	return true
}

// A fresh Job read with a stale pod cache is reachable with per-kind caches, and not with one
// snapshot per step, where the pods read are always those of a revision with the Job read.
func TestInformerFreshJobStalePods(t *testing.T) {
	for _, c := range []struct {
		cache orchestration.CacheMode
		want  bool
	}{{orchestration.CacheSnapshot, false}, {orchestration.CacheInformer, true}} {
		m := model(t, "job/parallel", func(s *scenario.Settings) {
			s.Cache, s.Consistency, s.Staleness = c.cache, datastore.MonotonicSession, 2
		})
		found := ""
		explore(m, 3000, func(s orchestration.State, a orchestration.Action) {
			if found == "" && freshJobStalePods(m, s, a) {
				found = m.FormatAction(s, a)
			}
		})
		if (found != "") != c.want {
			t.Errorf("cache=%s: a fresh Job with stale pods reachable: %q, want %v", c.cache, found, c.want)
		}
		if c.want && !strings.Contains(found, "read pods at revision") || c.want && !strings.Contains(found, "jobs at revision") {
			t.Errorf("cache=%s: the step does not say what each cache read: %q", c.cache, found)
		}
	}
}

// Each controller reads only the kinds it watches: its reconcile of a view without any other
// kind makes the same intents, on every state of walks through every built-in scenario (with
// per-kind caches, a kind it does not watch is taken from the pod cache's revision, and must
// not matter).
func TestReconcilesReadOnlyWatchedKinds(t *testing.T) {
	for _, b := range scenario.Builtins() {
		if b.Scenario == nil {
			continue
		}
		m := build(t, b.Scenario, func(s *scenario.Settings) {
			s.Cache, s.Restart, s.NodeCrash, s.ContainerExit = orchestration.CacheInformer, true, true, true
			if s.Consistency == datastore.Synchronous {
				s.Consistency = datastore.MonotonicSession
			}
		})
		for seed := uint64(0); seed < 10; seed++ {
			walk(m, seed, 30, func(s orchestration.State, a orchestration.Action) {
				if a.Kind != orchestration.Step {
					return
				}
				v := m.StepView(s, a)
				watched := m.Watched(a.Ctrl)
				var others []cluster.Kind
				var empty []*cluster.Cluster
				for k := cluster.Kind(0); k <= cluster.KindJob; k++ {
					if !slices.Contains(watched, k) {
						others, empty = append(others, k), append(empty, cluster.New())
					}
				}
				only := v.Composed(others, empty)
				got, want := m.ReconcileSignatures(a.Ctrl, only, *s.Local[a.Ctrl]), m.ReconcileSignatures(a.Ctrl, v, *s.Local[a.Ctrl])
				if !slices.Equal(got, want) {
					t.Fatalf("%s: %s reads a kind beyond %v: %d intents on the watched kinds only, %d on the view", b.Name, m.ControllerName(a.Ctrl), watched, len(got), len(want))
				}
			})
		}
	}
}

// Under synchronous consistency every cache reads the latest revision: per-kind caches explore
// exactly the states of one snapshot per step.
func TestInformerSynchronousIsSnapshot(t *testing.T) {
	for _, name := range []string{"replicaset/spec-replicas-change", "deployment/rolling-update", "statefulset/available", "job/non-parallel"} {
		var counts []int64
		for _, c := range []orchestration.CacheMode{orchestration.CacheSnapshot, orchestration.CacheInformer} {
			r := check(t, model(t, name, func(s *scenario.Settings) { s.Cache, s.Consistency = c, datastore.Synchronous }))
			counts = append(counts, r.Unique)
		}
		if counts[0] != counts[1] {
			t.Errorf("%s: %d states with snapshot, %d with informer", name, counts[0], counts[1])
		}
	}
}

// verdicts summarises a check: each property's status and, for a violation, its trace length.
func verdicts(r checker.Result[orchestration.State, orchestration.Action]) string {
	var b strings.Builder
	for _, p := range r.Properties {
		fmt.Fprintf(&b, "%s: %v", p.Name, p.Status)
		if p.Status == checker.Violated {
			fmt.Fprintf(&b, " after %d steps", len(p.Trace.Steps))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// The reductions of per-kind caches (a cache reads one revision per run of revisions with the
// same objects of its kind, and moves to the end of that run; a step covered by one that read
// no cache newer) preserve every verdict and the length of every shortest counterexample: the
// same checks with them and with none (the model's and the checker's reductions off).
func TestInformerReductionsPreserveVerdicts(t *testing.T) {
	cases := []struct {
		name string
		set  func(*scenario.Settings)
		// first: stop at the first violation (the level where BFS meets it), not explore all
		first bool
	}{
		{"replicaset/spec-replicas-change", func(s *scenario.Settings) { s.Consistency, s.Staleness = datastore.MonotonicSession, 2 }, false},
		{"job/non-parallel", func(s *scenario.Settings) { s.Consistency, s.Restart = datastore.MonotonicSession, true }, false},
		{"bugs/podgc-stale-node-cache", nil, false},
		{"bugs/sts-ordered-stale-ready", nil, true},
		{"bugs/scheduler-restart-overcommit", nil, true},
		{"deployment/new", func(s *scenario.Settings) { s.Consistency = datastore.MonotonicSession }, false},
	}
	for _, c := range cases {
		set := func(s *scenario.Settings) {
			if c.set != nil {
				c.set(s)
			}
			s.Cache = orchestration.CacheInformer
		}
		reduced := model(t, c.name, set)
		full := model(t, c.name, set)
		full.NoCacheReductions()
		a, err := checker.Check(context.Background(), reduced, checker.Options{Workers: 2, KeepGoing: !c.first, MaxStates: 200000})
		if err != nil {
			t.Fatal(err)
		}
		b, err := checker.Check(context.Background(), full, checker.Options{Workers: 2, KeepGoing: !c.first, MaxStates: 200000, NoReduction: true})
		if err != nil {
			t.Fatal(err)
		}
		if a.Complete != !c.first || b.Complete != !c.first {
			t.Fatalf("%s: complete %v (%d states) reduced, %v (%d states) unreduced", c.name, a.Complete, a.Unique, b.Complete, b.Unique)
		}
		if va, vb := verdicts(a), verdicts(b); va != vb || c.first && !strings.Contains(va, "violated after") {
			t.Errorf("%s: reduced (%d states):\n%s\nunreduced (%d states):\n%s", c.name, a.Unique, va, b.Unique, vb)
		}
		t.Logf("%s: %d states, %d unreduced", c.name, a.Unique, b.Unique)
		if a.Unique >= b.Unique {
			t.Errorf("%s: the reductions merged nothing: %d states, %d without", c.name, a.Unique, b.Unique)
		}
	}
}

// A restart re-lists every cache: under resettable-session each from any retained revision, on
// its own (a step after the restart may read pods and ReplicaSets at different old revisions);
// under monotonic-session from the latest.
func TestInformerRestartRelistsEachCache(t *testing.T) {
	for _, c := range []struct {
		level datastore.Level
		mixed bool
	}{{datastore.ResettableSession, true}, {datastore.MonotonicSession, false}} {
		m := model(t, "replicaset/spec-replicas-change", func(s *scenario.Settings) {
			s.Cache, s.Consistency, s.Staleness, s.Restart = orchestration.CacheInformer, c.level, 3, true
		})
		mixed, stale := false, false
		explore(m, 2000, func(s orchestration.State, a orchestration.Action) {
			if a.Kind != orchestration.Step || !strings.HasPrefix(m.ControllerName(a.Ctrl), "replicaset-controller") || s.Local[a.Ctrl].Session != datastore.SessionReset {
				return
			}
			latest := s.Store.Latest().Number
			stale = stale || a.Read < latest || a.Caches[0] < latest
			mixed = mixed || a.Read != a.Caches[0] && a.Read < latest && a.Caches[0] < latest
		})
		if mixed != c.mixed || stale != c.mixed {
			t.Errorf("%s: after a restart, a read of an old revision %v, of two different old revisions %v; want %v", c.level, stale, mixed, c.mixed)
		}
	}
}
