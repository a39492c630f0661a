package convert

import (
	"encoding/json"
	"testing"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/orchestration"
	"github.com/themelios/themelios/models/scenario"
)

// objectsReached walks every built-in scenario for a few dozen steps (a deterministic choice
// of action at each) and returns every object of every snapshot it passes, once each.
func objectsReached(t *testing.T) []cluster.Object {
	t.Helper()
	var out []cluster.Object
	seen := map[string]bool{}
	for _, b := range scenario.Builtins() {
		cfg, err := b.Config(b.Settings)
		if err != nil {
			t.Fatal(err)
		}
		m, err := orchestration.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		s := m.Init()[0]
		var acts []orchestration.Action
		for step := range 80 {
			for _, o := range s.Store.Latest().Cluster.Objects() {
				js, _ := json.Marshal(o)
				if key := o.Kind().String() + string(js); !seen[key] {
					seen[key] = true
					out = append(out, o)
				}
			}
			acts = m.Actions(s, acts[:0])
			if len(acts) == 0 {
				break
			}
			s, _ = m.Next(s, acts[(step*7)%len(acts)])
		}
	}
	return out
}

// Every object the model reaches converts to upstream's type and back to itself, but for what
// the round trip cannot keep: the UIDs become the table's numbers (each the image of the
// original's), the creation revision becomes the resourceVersion first seen, and a deletion
// timestamp is kept as "terminating".
func TestRoundTrip(t *testing.T) {
	objs := objectsReached(t)
	kinds := map[cluster.Kind]int{}
	for _, o := range objs {
		ids := NewIdentities()
		back, err := ModelObject(Object(o), ids)
		if err != nil {
			t.Fatalf("%s %s: %v", o.Kind(), o.Meta().Name, err)
		}
		kinds[o.Kind()]++
		// Map the table's UIDs back to the originals ("uid-<n>" is the original n).
		orig := func(u cluster.UID) cluster.UID { return ModelUID(ids.Real(u)) }
		m := back.Meta()
		m.UID = orig(m.UID)
		for i := range m.OwnerReferences {
			m.OwnerReferences[i].UID = orig(m.OwnerReferences[i].UID)
		}
		if j, ok := back.(*cluster.Job); ok {
			for i, u := range j.Status.UncountedSucceeded {
				j.Status.UncountedSucceeded[i] = orig(u)
			}
			for i, u := range j.Status.UncountedFailed {
				j.Status.UncountedFailed[i] = orig(u)
			}
		}
		want := o.DeepCopy()
		wm := want.Meta()
		m.CreationRevision = wm.CreationRevision
		if (m.DeletionTimestamp != 0) != (wm.DeletionTimestamp != 0) {
			t.Errorf("%s %s: terminating %v after the round trip, %v before", o.Kind(), o.Meta().Name, m.DeletionTimestamp != 0, wm.DeletionTimestamp != 0)
		}
		m.DeletionTimestamp = wm.DeletionTimestamp
		apiDefaults(want)
		if j, ok := back.(*cluster.Job); ok {
			// Upstream's Job status has no observedGeneration: the generation is taken as seen.
			if j.Status.ObservedGeneration != j.Generation {
				t.Errorf("job %s: observedGeneration %d, generation %d", j.Name, j.Status.ObservedGeneration, j.Generation)
			}
			j.Status.ObservedGeneration = want.(*cluster.Job).Status.ObservedGeneration
		}
		got, _ := json.Marshal(back)
		exp, _ := json.Marshal(want)
		if string(got) != string(exp) {
			t.Errorf("%s %s changed in the round trip:\n got %s\nwant %s", o.Kind(), o.Meta().Name, got, exp)
		}
	}
	for _, k := range []cluster.Kind{cluster.KindNode, cluster.KindPod, cluster.KindReplicaSet, cluster.KindDeployment,
		cluster.KindStatefulSet, cluster.KindControllerRevision, cluster.KindPersistentVolumeClaim, cluster.KindJob} {
		if kinds[k] == 0 {
			t.Errorf("no %s was reached: the round trip does not cover it", k)
		}
	}
	t.Logf("%d objects: %v", len(objs), kinds)
}

// apiDefaults sets in o what the conversion makes explicit (the API server's defaults the
// model takes): restartPolicy Always, maxSurge and maxUnavailable 25%, and a node's
// allocatable resources where the model has no limit.
func apiDefaults(o cluster.Object) {
	tmpl := func(t *cluster.PodTemplate) {
		if t.Spec.RestartPolicy == "" {
			t.Spec.RestartPolicy = cluster.RestartAlways
		}
	}
	switch x := o.(type) {
	case *cluster.Pod:
		if x.Spec.RestartPolicy == "" {
			x.Spec.RestartPolicy = cluster.RestartAlways
		}
	case *cluster.Node:
		if x.Status.AllocatableCPU == 0 {
			x.Status.AllocatableCPU = 1 << 20
		}
		if x.Status.AllocatablePods == 0 {
			x.Status.AllocatablePods = 1 << 10
		}
	case *cluster.Deployment:
		tmpl(&x.Spec.Template)
		if x.Spec.Strategy == "RollingUpdate" && x.Spec.MaxSurge == "" {
			x.Spec.MaxSurge = "25%"
		}
		if x.Spec.Strategy == "RollingUpdate" && x.Spec.MaxUnavailable == "" {
			x.Spec.MaxUnavailable = "25%"
		}
	case *cluster.ReplicaSet:
		tmpl(&x.Spec.Template)
	case *cluster.StatefulSet:
		tmpl(&x.Spec.Template)
	case *cluster.ControllerRevision:
		tmpl(&x.Template)
	case *cluster.Job:
		tmpl(&x.Spec.Template)
	}
}

// The identity table numbers UIDs at first sight and keeps the revision it first saw them at.
func TestIdentities(t *testing.T) {
	ids := NewIdentities()
	a, ca := ids.Model("aaaa", 10)
	b, cb := ids.Model("bbbb", 12)
	a2, ca2 := ids.Model("aaaa", 30)
	if a != 1 || b != 2 || a2 != a || ca != 10 || cb != 12 || ca2 != 10 {
		t.Errorf("got %d@%d %d@%d %d@%d", a, ca, b, cb, a2, ca2)
	}
	if ids.Real(b) != "bbbb" || ids.Real(7) != "" {
		t.Errorf("Real(%d) = %q, Real(7) = %q", b, ids.Real(b), ids.Real(7))
	}
	if u, c := ids.Model("", 5); u != 0 || c != 0 {
		t.Errorf("the empty UID is %d@%d", u, c)
	}
	if _, err := ParseResourceVersion("abc"); err == nil {
		t.Error("a resourceVersion that is not a number was accepted")
	}
}

func TestParseIndexes(t *testing.T) {
	got, err := parseIndexes("0-2,5,7-8")
	if err != nil || len(got) != 6 || got[0] != 0 || got[2] != 2 || got[3] != 5 || got[5] != 8 {
		t.Errorf("parseIndexes: %v %v", got, err)
	}
	if _, err := parseIndexes("1-x"); err == nil {
		t.Error("a bad range was accepted")
	}
}
