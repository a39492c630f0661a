package orchestration

import (
	"fmt"
	"slices"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
)

// monitor returns the transition properties that a controller step of kind k, which made
// the write w with outcome ef (in the step from s to ns), breaks. Each is judged against the
// truth, the latest revision before the write, not the view the controller read: a stale view
// is how a controller comes to break them.
func (m *Model) monitor(k ControllerKind, view *cluster.Cluster, s, ns State, ef effect) Monitor {
	w := ef.intent.Write
	if w == nil || !ef.outcome.OK() {
		return 0
	}
	before := s.Store.Latest().Cluster
	var broken Monitor
	switch {
	case k == DeploymentKind && w.Verb == datastore.Create:
		// Paused in the store both before and after the write: not a resume that a weak store
		// lost and then restored with this very write.
		paused := func(c *cluster.Cluster, ref cluster.OwnerReference) bool {
			d, ok := c.Get(cluster.KindDeployment, ref.Name).(*cluster.Deployment)
			return ok && d.UID == ref.UID && d.Spec.Paused
		}
		if ref, ok := w.Object.Meta().ControllerRef(); ok && paused(before, ref) && paused(ns.Store.Latest().Cluster, ref) {
			broken |= BrokenPaused
		}
	case k == StatefulSetKind && w.Verb == datastore.Create && w.Object.Kind() == cluster.KindPod:
		ref, _ := w.Object.Meta().ControllerRef()
		if set, ok := before.Get(cluster.KindStatefulSet, ref.Name).(*cluster.StatefulSet); ok && set.Spec.PodManagementPolicy != "Parallel" {
			o, _ := controllers.Ordinal(set.Name, w.Object.Meta().Name)
			for i := set.Spec.StartOrdinal; i < o; i++ {
				p := before.Pod(podName(set.Name, i))
				if p == nil || p.Terminating() || p.Status.Phase != cluster.PodRunning || !p.Status.Ready {
					broken |= BrokenOrderCreate
				}
			}
		}
	case k == StatefulSetKind && w.Verb == datastore.Delete && w.Kind == cluster.KindPod:
		p := before.Pod(w.Name)
		if p == nil {
			break
		}
		ref, _ := p.ControllerRef()
		set, ok := before.Get(cluster.KindStatefulSet, ref.Name).(*cluster.StatefulSet)
		o, member := controllers.Ordinal(ref.Name, w.Name)
		if !ok || !member || set.Spec.PodManagementPolicy == "Parallel" || o < set.Spec.StartOrdinal+set.Spec.Replicas {
			break // not a scale-down of an OrderedReady set
		}
		for _, q := range before.Pods() {
			if x, ok := controllers.Ordinal(set.Name, q.Name); ok && x > o {
				broken |= BrokenOrderDelete
			}
		}
		for _, l := range s.Local {
			for _, c := range l.Containers {
				if x, ok := controllers.Ordinal(set.Name, c.Pod); ok && x > o && c.Exit == controllers.Running {
					broken |= BrokenOrderDelete
				}
			}
		}
	case k == ReplicaSetKind && w.Verb == datastore.Create && w.Object.Kind() == cluster.KindPod:
		// Kubernetes issue 129795: a sync on a pod cache that lags its own creates, once its
		// expectations expired, creates pods the ReplicaSet already has. The pods are counted
		// in the truth, the wanted number is the spec.replicas the controller read: a spec
		// changed since (a scale-down it has not seen) is a stale read of the spec, which
		// expectations do not guard against and upstream shares; a create for a ReplicaSet
		// that is gone (its UID no longer in the store) is left to the garbage collector.
		ref, _ := w.Object.Meta().ControllerRef()
		rs, ok := before.Get(cluster.KindReplicaSet, ref.Name).(*cluster.ReplicaSet)
		read, seen := view.Get(cluster.KindReplicaSet, ref.Name).(*cluster.ReplicaSet)
		if ok && seen && rs.UID == ref.UID && read.UID == ref.UID && activeOwned(before, rs.UID) >= read.Spec.Replicas {
			broken |= BrokenReplicaSetCreate
		}
	case k == JobKind && w.Verb == datastore.Create && w.Object.Kind() == cluster.KindPod:
		// Kubernetes issue 130683: a second pod for parallelism 1. As for ReplicaSets: the
		// truth's active pods and succeeded count against the spec the controller read.
		ref, _ := w.Object.Meta().ControllerRef()
		j, ok := before.Get(cluster.KindJob, ref.Name).(*cluster.Job)
		read, seen := view.Get(cluster.KindJob, ref.Name).(*cluster.Job)
		if ok && seen && j.UID == ref.UID && read.UID == ref.UID {
			wants := *read
			wants.Status = j.Status
			if activeOwned(before, j.UID) >= controllers.JobWants(&wants) {
				broken |= BrokenJobCreate
			}
		}
	case k == ReplicaSetKind || k == StatefulSetKind:
		broken |= statusMiscount(view, *w)
	case k == JobKind && w.Verb == datastore.UpdateStatus && w.Object.Kind() == cluster.KindJob:
		broken |= statusMiscount(view, *w)
		j := w.Object.(*cluster.Job)
		old, ok := view.Get(cluster.KindJob, j.Name).(*cluster.Job)
		if !ok {
			break
		}
		for _, u := range append(slices.Clone(old.Status.UncountedSucceeded), old.Status.UncountedFailed...) {
			counted := !slices.Contains(j.Status.UncountedSucceeded, u) && !slices.Contains(j.Status.UncountedFailed, u)
			if p := ns.Store.Latest().Cluster.PodWithUID(u); counted && p != nil && p.HasFinalizer(controllers.TrackingFinalizer) {
				broken |= BrokenJobCount
			}
		}
	}
	return broken
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
