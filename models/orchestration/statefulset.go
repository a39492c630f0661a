package orchestration

import (
	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
)

// The StatefulSet controller in the model: its reconcile (shared with its properties), its
// properties and monitor. A StatefulSet is stable when its controller has nothing left to write
// for it in the latest revision.

// StatefulSet property names.
const (
	OrderedCreate    = "StatefulSet pods are created in order, each once its predecessors are Running and Ready"
	OrderedTerminate = "StatefulSet pods are terminated in reverse order, each once its successors are gone"
	StatefulSetState = "a StatefulSet's status counts the pods of the view it was written from, and a stable one starts at its start ordinal"
	OrdinalOnce      = "a StatefulSet ordinal runs at most once"
	OneRevision      = "a StatefulSet has one ControllerRevision per distinct template"
)

// statefulSetWorkload is the StatefulSet controller (controllers.StatefulSetController).
func statefulSetWorkload() workload {
	return workload{
		kind: StatefulSetKind, name: "statefulset-controller", runsWith: []cluster.Kind{cluster.KindStatefulSet},
		watches:   []cluster.Kind{cluster.KindStatefulSet, cluster.KindControllerRevision, cluster.KindPersistentVolumeClaim},
		reconcile: statefulSetReconcile,
		properties: func(m *Model) []checker.Property[State] {
			return []checker.Property[State]{
				{Name: OrderedCreate, Doc: "Under OrderedReady pod management, the StatefulSet controller creates pod N only once pods 0..N-1 are Running and Ready (Kubernetes issue 41889 broke this with a stale pod cache).", Expect: checker.Always, Holds: unbroken(BrokenOrderCreate)},
				{Name: OrderedTerminate, Doc: "Scaling down, the StatefulSet controller deletes pod N only once every pod above N is gone.", Expect: checker.Always, Holds: unbroken(BrokenOrderDelete)},
				{Name: StatefulSetState, Doc: "A StatefulSet's status counts the pods of the view it was written from, and a stable StatefulSet's pods start at its start ordinal.", Expect: checker.Always, Holds: statefulSetStatus},
				{Name: OrdinalOnce, Doc: "Each StatefulSet pod name (one per ordinal) has at most one running copy of its containers, on any kubelet: one identity, one running copy.", Expect: checker.Always, Holds: ordinalOnce},
				{Name: OneRevision, Doc: "A StatefulSet has one ControllerRevision per distinct pod template, never two for the same template (Kubernetes 80698).", Expect: checker.Always, Holds: oneRevisionPerTemplate},
			}
		},
		monitor: statefulSetMonitor,
	}
}

// statefulSetMonitor judges the StatefulSet controller's accepted write w: a pod of an
// OrderedReady set created before its predecessors are Running and Ready, or deleted in a
// scale-down before its successors are gone (their containers included), in the truth; a
// status that miscounts its view.
func statefulSetMonitor(view *cluster.Cluster, s, ns State, w datastore.Write) Monitor {
	before := s.Store.Latest().Cluster
	var broken Monitor
	switch {
	case w.Verb == datastore.Create && w.Object.Kind() == cluster.KindPod:
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
	case w.Verb == datastore.Delete && w.Kind == cluster.KindPod:
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
	default:
		broken |= statusMiscount(view, w)
	}
	return broken
}

// statefulSetStatus: every status the StatefulSet controller writes counts, in replicas,
// readyReplicas and availableReplicas, the set's pods in the view it read (a monitor judges each
// write), and a stable StatefulSet's lowest ordinal is spec.ordinals.start.
func statefulSetStatus(s State) bool {
	if s.Broken&BrokenStatefulSetStatus != 0 {
		return false
	}
	c := s.Store.Latest().Cluster
	st := statefulSetSyncs(c)
	for i, set := range c.StatefulSets() {
		if st.pending[i] {
			continue
		}
		lowest := int64(-1)
		for _, p := range c.Pods() {
			if o, ok := controllers.Ordinal(set.Name, p.Name); ok && (lowest < 0 || o < lowest) {
				if ref, owned := p.ControllerRef(); owned && ref.UID == set.UID {
					lowest = o
				}
			}
		}
		if set.Spec.Replicas > 0 && lowest != set.Spec.StartOrdinal {
			return false
		}
	}
	return true
}

// statefulSetPods counts the set's pods in view c, and those Running and Ready.
func statefulSetPods(c *cluster.Cluster, set *cluster.StatefulSet) (replicas, ready int64) {
	for _, p := range c.Pods() {
		if ref, ok := p.ControllerRef(); ok && ref.UID == set.UID {
			if _, member := controllers.Ordinal(set.Name, p.Name); member {
				replicas++
				if p.Status.Phase == cluster.PodRunning && p.Status.Ready {
					ready++
				}
			}
		}
	}
	return replicas, ready
}

// oneRevisionPerTemplate: in the latest revision, the ControllerRevisions a StatefulSet
// controls have pairwise different templates (Kubernetes issue 80698: a controller on a
// revision cache without its own revision took the name's AlreadyExists for a hash collision,
// bumped collisionCount and recorded the same template twice; upstream's fix, kept in v1.34's
// history.CreateControllerRevision, reads the existing revision and keeps it when equal).
func oneRevisionPerTemplate(s State) bool {
	c := s.Store.Latest().Cluster
	for _, set := range c.StatefulSets() {
		var mine []*cluster.ControllerRevision
		for _, r := range c.Revisions() {
			if ref, ok := r.ControllerRef(); ok && ref.UID == set.UID {
				for _, o := range mine {
					if o.Template.Equal(&r.Template) {
						return false
					}
				}
				mine = append(mine, r)
			}
		}
	}
	return true
}

// ordinalOnce: no two running containers, on any nodes, are of the same StatefulSet pod name
// (Kubernetes issue 59848: a pod identity running twice).
func ordinalOnce(s State) bool {
	sets := s.Store.Latest().Cluster.StatefulSets()
	seen := map[string]bool{} // only looked up
	for _, l := range s.Local {
		for _, c := range l.Containers {
			if c.Exit != controllers.Running {
				continue
			}
			for _, set := range sets {
				if _, ok := controllers.Ordinal(set.Name, c.Pod); ok {
					if seen[c.Pod] {
						return false
					}
					seen[c.Pod] = true
				}
			}
		}
	}
	return true
}

// statefulSyncs is the StatefulSet controller's sync of each StatefulSet of a snapshot, by
// position among the snapshot's StatefulSets, computed once per snapshot: the controller's
// reconcile of the snapshot (Model.reconcile) and the property judged on every state whose
// latest it is (a set is stable when its sync writes nothing) share it.
type statefulSyncs struct {
	in      []controllers.Intent
	pending []bool // the sync writes something: the set is not stable
	// in's and pending's memory for a snapshot of one StatefulSet: one allocation.
	inMem      [1]controllers.Intent
	pendingMem [1]bool
}

var statefulSyncsSlot = cluster.NewMemoSlot[statefulSyncs]()

func statefulSetSyncs(c *cluster.Cluster) *statefulSyncs {
	return cluster.Memo(c, statefulSyncsSlot, func() *statefulSyncs {
		st := new(statefulSyncs)
		st.in, st.pending = st.inMem[:0], st.pendingMem[:0]
		for _, set := range c.StatefulSets() {
			in, pending := controllers.StatefulSetController{}.Sync(c, set)
			st.in, st.pending = append(st.in, in), append(st.pending, pending)
		}
		return st
	})
}

// statefulSetReconcile is the StatefulSet controller's reconcile of view v (its Reconcile:
// the sync of every set that is not terminating), from the shared syncs.
func statefulSetReconcile(v *cluster.Cluster) []controllers.Intent {
	st := statefulSetSyncs(v)
	var out []controllers.Intent
	for i, set := range v.StatefulSets() {
		if st.pending[i] && !set.Terminating() {
			out = append(out, st.in[i])
		}
	}
	return out
}
