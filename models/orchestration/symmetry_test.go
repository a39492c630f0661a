package orchestration_test

import (
	"context"
	"slices"
	"testing"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
	"github.com/themelios/themelios/models/orchestration"
	"github.com/themelios/themelios/models/scenario"
)

// Nodes are interchangeable where the scenario treats them alike: two equal nodes and no
// object naming one; not when a pod is bound to node-1 from the start (node/restart), nor with
// one node.
func TestNodeSymmetryDeclared(t *testing.T) {
	for name, want := range map[string]int{"statefulset/stale-reads": 2, "replicaset/overlapping": 2, "node/restart": 0, "bugs/deployment-stale-annotation": 0} {
		if got := model(t, name, nil).NodePermutations(); got != want {
			t.Errorf("%s: %d node permutations, want %d", name, got, want)
		}
	}
	three := model(t, "statefulset/stale-reads", func(s *scenario.Settings) { s.Nodes = 3 })
	if got := three.NodePermutations(); got != 6 {
		t.Errorf("three nodes: %d permutations, want 6", got)
	}
	// Configurations that tell their nodes apart, from statefulset/stale-reads' two equal nodes.
	var base *scenario.Scenario
	for _, b := range scenario.Builtins() {
		if b.Name == "statefulset/stale-reads" {
			base = b.Scenario
		}
	}
	for name, c := range map[string]struct {
		nodes  int
		change func(*orchestration.Config)
	}{
		"unchanged":         {2, func(*orchestration.Config) {}},
		"five nodes":        {5, func(*orchestration.Config) {}},
		"unequal templates": {2, func(c *orchestration.Config) { c.Kubelets[1].Status.AllocatableCPU = 500 }},
		"one node joined": {2, func(c *orchestration.Config) {
			c.Objects = slices.DeleteFunc(slices.Clone(c.Objects), func(o cluster.Object) bool { return o.Kind() == cluster.KindNode && o.Meta().Name == "node-2" })
		}},
		"a template naming a node": {2, func(c *orchestration.Config) {
			for _, o := range c.Objects {
				if ss, ok := o.(*cluster.StatefulSet); ok {
					ss.Spec.Template.Spec.NodeName = "node-1"
				}
			}
		}},
	} {
		set := base.Settings
		set.Nodes = c.nodes
		cfg, err := base.Config(set)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Objects, cfg.Kubelets = slices.Clone(cfg.Objects), slices.Clone(cfg.Kubelets)
		for i, o := range cfg.Objects { // not the built-in scenario's own
			cfg.Objects[i] = o.DeepCopy()
		}
		for i, n := range cfg.Kubelets {
			cfg.Kubelets[i] = n.DeepCopy().(*cluster.Node)
		}
		c.change(&cfg)
		m, err := orchestration.New(cfg)
		if err != nil {
			t.Fatal(name, err)
		}
		if got, want := m.NodePermutations() > 0, name == "unchanged"; got != want {
			t.Errorf("%s: node symmetry %v, want %v", name, got, want)
		}
	}
}

// The model is symmetric under renaming its nodes, which is what makes exploring one state per
// orbit sound: in every reachable state s (of a bounded BFS) and for every node permutation π,
// the successors of π(s) are the π-images of s's successors, and every property judges π(s) as
// it judges s. Representative gives every member of an orbit the same encoding.
func TestNodeSymmetryIsASymmetry(t *testing.T) {
	for _, c := range []struct {
		name  string
		set   func(*scenario.Settings)
		limit int
	}{
		{"statefulset/stale-reads", func(s *scenario.Settings) { s.Consistency = datastore.ResettableSession }, 1500},
		{"replicaset/overlapping", func(s *scenario.Settings) { s.Consistency = datastore.Causal }, 1000},
		{"statefulset/stale-reads", func(s *scenario.Settings) { s.Nodes, s.Consistency = 3, datastore.Optimistic }, 500},
		{"job/parallel", func(s *scenario.Settings) {
			s.Cache, s.Consistency = orchestration.CacheInformer, datastore.MonotonicSession
		}, 800},
	} {
		m := model(t, c.name, c.set)
		n := m.NodePermutations()
		if n < 2 {
			t.Fatalf("%s: no node symmetry", c.name)
		}
		props := m.Properties()
		successors := func(s orchestration.State, k int) []string {
			var out []string
			for _, a := range m.Actions(s, nil) {
				if next, ok := m.Next(s, a); ok {
					if k >= 0 {
						next = m.PermuteNodes(next, k)
					}
					out = append(out, string(m.Encode(nil, next)))
				}
			}
			slices.Sort(out)
			return slices.Compact(out)
		}
		checked := 0
		reachable(m, c.limit, func(s orchestration.State) {
			rep := string(m.Encode(nil, m.Representative(s)))
			for k := 1; k < n; k++ {
				p := m.PermuteNodes(s, k)
				if !slices.Equal(successors(p, -1), successors(s, k)) {
					t.Fatalf("%s: the successors of a renamed state are not the renamed successors (permutation %d)", c.name, k)
				}
				for _, pr := range props {
					if pr.Holds != nil && pr.Holds(p) != pr.Holds(s) {
						t.Fatalf("%s: %q tells a state from its renaming", c.name, pr.Name)
					}
				}
				if got := string(m.Encode(nil, m.Representative(p))); got != rep {
					t.Fatalf("%s: two members of an orbit have different representatives", c.name)
				}
				checked++
			}
		})
		if checked < c.limit/2 {
			t.Errorf("%s: only %d renamings checked", c.name, checked)
		}
	}
}

// Kubernetes issue 59848 under symmetry: the same violation at the same depth, with half the
// states (27,744 without, 13,874 with; 85,194 at d8411bf, before the reductions).
func TestNodeSymmetry59848(t *testing.T) {
	m := model(t, "statefulset/stale-reads", func(s *scenario.Settings) { s.Consistency = datastore.ResettableSession })
	for _, c := range []struct {
		sym    bool
		unique int64
	}{{false, 27744}, {true, 13874}} {
		for _, w := range []int{1, 2} {
			r, err := checker.Check(context.Background(), m, checker.Options{Workers: w, Symmetry: c.sym})
			if err != nil {
				t.Fatal(err)
			}
			p := r.Property(orchestration.OneNodePerPod)
			if r.Unique != c.unique || p.Status != checker.Violated || len(p.Trace.Steps) != 10 {
				t.Errorf("symmetry %v, %d workers: %d states, %v after %d steps", c.sym, w, r.Unique, p.Status, len(p.Trace.Steps))
			}
		}
	}
}

// Where the nodes' signatures tie, the representative is the renaming that encodes least, the
// same from either member of the orbit: on the reachable states of Kubernetes 59848 whose two
// nodes have the same signature but whose renaming encodes differently (the nodes differ in
// what no signature holds: an older revision, an assumed pod, a tombstone). With one replica
// per controller, the representative is always one of the renamings.
func TestNodeSymmetryTieBreak(t *testing.T) {
	m := model(t, "statefulset/stale-reads", func(s *scenario.Settings) { s.Consistency = datastore.ResettableSession })
	ties, states := 0, 0
	reachable(m, 30000, func(s orchestration.State) {
		states++
		enc := string(m.Encode(nil, s))
		swapped := m.PermuteNodes(s, 1)
		rep := string(m.Encode(nil, m.Representative(s)))
		if rep != enc && rep != string(m.Encode(nil, swapped)) {
			t.Fatal("the representative is neither the state nor its renaming")
		}
		if sigs := m.NodeSignatures(s); sigs[0] == sigs[1] && string(m.Encode(nil, swapped)) != enc {
			ties++
			other := string(m.Encode(nil, m.Representative(swapped)))
			least := min(enc, string(m.Encode(nil, swapped)))
			if other != rep || rep != least {
				t.Fatal("a tie between signatures is not broken by the least encoding")
			}
		}
	})
	if ties == 0 {
		t.Fatal("no reachable state with tied signatures and distinct renamings")
	}
	t.Logf("%d states with tied signatures, %d states", ties, states)
}

// RepresentativeEncoded, which the search calls under symmetry, gives RepresentativeOf's
// representative and permutation and, when it reports an encoding, exactly Encode's of the
// representative, appended to what it was given: on the reachable states of Kubernetes 59848
// with two StatefulSet controller replicas (replicas and nodes both interchangeable), some of
// them with tied node signatures (where it has an encoding).
func TestRepresentativeEncoded(t *testing.T) {
	m := model(t, "statefulset/stale-reads", func(s *scenario.Settings) {
		s.Consistency, s.Controllers = datastore.ResettableSession, 2
	})
	encoded, states := 0, 0
	reachable(m, 20000, func(s orchestration.State) {
		states++
		rep, perm := m.RepresentativeOf(s, nil)
		got, gotPerm, enc, ok := m.RepresentativeEncoded(s, nil, []byte("prefix"))
		if string(m.Encode(nil, got)) != string(m.Encode(nil, rep)) || !slices.Equal(gotPerm, perm) {
			t.Fatal("RepresentativeEncoded's representative or permutation is not RepresentativeOf's")
		}
		if !ok {
			return
		}
		encoded++
		if want := "prefix" + string(m.Encode(nil, rep)); string(enc) != want {
			t.Fatalf("RepresentativeEncoded's encoding is not Encode's of the representative")
		}
	})
	if encoded == 0 {
		t.Fatal("no reachable state whose representative came with its encoding")
	}
	t.Logf("%d of %d states came with their encoding", encoded, states)
}

// RepresentativeOf's permutation of the controllers is the renaming Representative makes, as
// the checker's liveness pass relies on it (checker.ProcessSymmetry): on reachable states of
// configurations with interchangeable nodes and controller replicas, the representative is
// Representative's and Permute's, each controller's session and containers are those of the controller it
// is renamed to, every step renamed (its group by RenameGroup) is a step of the representative
// to the renamed successor's orbit, and PodsRun's instances follow their kubelets
// (RenameInstance).
func TestProcessSymmetryRenaming(t *testing.T) {
	for _, c := range []struct {
		name  string
		set   func(*scenario.Settings)
		limit int
	}{
		{"replicaset/overlapping", func(s *scenario.Settings) { s.Consistency, s.Controllers = datastore.Causal, 2 }, 1500},
		{"statefulset/stale-reads", func(s *scenario.Settings) { s.Nodes, s.Consistency = 3, datastore.ResettableSession }, 1500},
		{"replicaset/spec-replicas-change", func(s *scenario.Settings) { s.Consistency, s.Controllers = datastore.MonotonicSession, 3 }, 1500},
		{"job/parallel", func(s *scenario.Settings) {
			s.Cache, s.Consistency, s.Controllers = orchestration.CacheInformer, datastore.MonotonicSession, 2
		}, 800},
	} {
		m := model(t, c.name, c.set)
		var pods checker.Property[orchestration.State]
		for _, p := range m.Properties() {
			if p.Name == orchestration.PodsRun {
				pods = p
			}
		}
		orbit := func(s orchestration.State) string { return string(m.Encode(nil, m.Representative(s))) }
		moved, swaps := 0, 0
		reachable(m, c.limit, func(s orchestration.State) {
			rep, p := m.RepresentativeOf(s, nil)
			if string(m.Encode(nil, rep)) != orbit(s) {
				t.Fatalf("%s: RepresentativeOf is not Representative", c.name)
			}
			if !slices.Equal(slices.Sorted(slices.Values(p)), slices.Sorted(slices.Values(m.Identity()))) {
				t.Fatalf("%s: %v is no permutation", c.name, p)
			}
			if string(m.Encode(nil, m.Permute(s, p))) != orbit(s) {
				t.Fatalf("%s: Permute(s, p) is not the representative", c.name)
			}
			for i, ci := range m.Interchangeable(s, nil) {
				if ci == i {
					continue
				}
				swap := m.Identity()
				swap[i], swap[ci] = ci, i
				if string(m.Encode(nil, m.Permute(s, swap))) != string(m.Encode(nil, s)) {
					t.Fatalf("%s: exchanging interchangeable controllers %d and %d changes the state", c.name, i, ci)
				}
				swaps++
			}
			for i, j := range p {
				a, b := s.Local[i], rep.Local[j]
				if a.Session != b.Session || a.Down != b.Down || len(a.Containers) != len(b.Containers) {
					t.Fatalf("%s: controller %d's local state is not controller %d's in the representative", c.name, i, j)
				}
				if i != j {
					moved++
				}
			}
			for k := range pods.Per {
				if pods.HoldsPer(s, k) != pods.HoldsPer(rep, m.RenameInstance(orchestration.PodsRun, k, p)) {
					t.Fatalf("%s: instance %d of %s does not follow its kubelet", c.name, k, orchestration.PodsRun)
				}
			}
			repSteps := map[string]bool{}
			for _, b := range m.Actions(rep, nil) {
				if next, ok := m.Next(rep, b); ok {
					repSteps[m.ActionGroup(b).Name+" "+orbit(next)] = true
				}
			}
			for _, a := range m.Actions(s, nil) {
				if next, ok := m.Next(s, a); ok && !repSteps[m.RenameGroup(m.ActionGroup(a), p).Name+" "+orbit(next)] {
					t.Fatalf("%s: a step of %s renamed is no step of the representative", c.name, m.ActionGroup(a).Name)
				}
			}
		})
		if moved < c.limit/4 {
			t.Errorf("%s: only %d controllers renamed", c.name, moved)
		}
		if m.HasReplicas() && swaps < c.limit/4 {
			t.Errorf("%s: only %d interchangeable controllers", c.name, swaps)
		}
	}
}
