package orchestration

import (
	"fmt"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

// monitor returns the transition properties that a controller step of kind k, which made
// the write with outcome ef (in the step from s to ns), breaks: its workload controller's
// monitor judges it. Each is judged against the truth, the latest revision before the write,
// not the view the controller read (a stale view is how a controller comes to break them), but
// for what the write says of its view (a status's counts, the spec a create acted on).
func (m *Model) monitor(k ControllerKind, view *cluster.Cluster, s, ns State, ef effect) Monitor {
	w := ef.intent.Write
	if w == nil || !ef.outcome.OK() {
		return 0
	}
	if wl := m.workload(k); wl != nil {
		return wl.monitor(view, s, ns, *w) &^ m.unlisted
	}
	return 0
}

// createdFor returns the owner of the pod that create w makes, as the truth before the write
// has it and as the view read it, when both are the object the pod names (the same kind, name
// and UID): a create for an owner that is gone is a stale cache's usual race, left to the
// garbage collector.
func createdFor(view, before *cluster.Cluster, w datastore.Write) (truth, read cluster.Object, ok bool) {
	ref, owned := w.Object.Meta().ControllerRef()
	if !owned {
		return nil, nil, false
	}
	truth, read = before.Get(ref.Kind, ref.Name), view.Get(ref.Kind, ref.Name)
	if truth == nil || read == nil || truth.Meta().UID != ref.UID || read.Meta().UID != ref.UID {
		return nil, nil, false
	}
	return truth, read, true
}

// unbroken is the property that no step has broken the transition property bit.
func unbroken(bit Monitor) func(State) bool {
	return func(s State) bool { return s.Broken&bit == 0 }
}

// statusMiscount returns the status properties that the status write w, computed from view,
// breaks: counts the view does not have.
func statusMiscount(view *cluster.Cluster, w datastore.Write) Monitor {
	if w.Verb != datastore.UpdateStatus {
		return 0
	}
	switch x := w.Object.(type) {
	case *cluster.ReplicaSet:
		if x.Status.Replicas != activeOwned(view, x.UID) {
			return BrokenReplicaSetStatus
		}
	case *cluster.StatefulSet:
		if replicas, ready := statefulSetPods(view, x); x.Status.Replicas != replicas || x.Status.ReadyReplicas != ready || x.Status.AvailableReplicas != ready {
			return BrokenStatefulSetStatus
		}
	case *cluster.Job:
		if active, ready := jobPods(view, x); x.Status.Active != active || x.Status.Ready != ready {
			return BrokenJobStatus
		}
	}
	return 0
}

func podName(set string, ordinal int64) string { return fmt.Sprintf("%s-%d", set, ordinal) }

// createRead is what the create monitors read of the view for the pod create w: its owner's
// UID and the spec fields that say how many pods the owner wants (a ReplicaSet's replicas; a
// Job's parallelism, completions and suspension), or nothing for another write. Sibling reads
// that make the same create are judged alike only if these agree (signature).
func createRead(view *cluster.Cluster, w datastore.Write) []int64 {
	if w.Verb != datastore.Create || w.Object == nil || w.Object.Kind() != cluster.KindPod {
		return nil
	}
	ref, ok := w.Object.Meta().ControllerRef()
	if !ok {
		return nil
	}
	switch o := view.Get(ref.Kind, ref.Name).(type) {
	case *cluster.ReplicaSet:
		return []int64{int64(o.UID), o.Spec.Replicas}
	case *cluster.Job:
		suspend := int64(0)
		if o.Spec.Suspend {
			suspend = 1
		}
		return []int64{int64(o.UID), o.Spec.Parallelism, o.Spec.Completions, suspend}
	}
	return []int64{-1}
}
