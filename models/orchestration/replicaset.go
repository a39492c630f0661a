package orchestration

import (
	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
)

// The ReplicaSet controller in the model: its properties, liveness property and monitor.

// ReplicaSet property names.
const (
	ReplicaSetStatus    = "a ReplicaSet's status counts the pods of the view it was written from"
	QuiescentReplicaSet = "at quiescence every ReplicaSet runs spec.replicas pods"
	ReplicaSetCreates   = "the ReplicaSet controller creates a pod only when the ReplicaSet has fewer active pods than the spec.replicas it read"
	ReplicaSetsConverge = "once the environment stops, every ReplicaSet reaches spec.replicas running pods and stays there"
)

// replicaSetWorkload is the ReplicaSet controller (controllers.ReplicaSetController), which also
// runs for Deployments. Its create property is listed when it keeps expectations (on or
// expiring): it checks what expectations promise; without them (off) the controller creates
// again on any pod cache that lags its own create, and the other properties show what follows
// (churn).
func replicaSetWorkload() workload {
	return workload{
		kind: ReplicaSetKind, name: "replicaset-controller", runsWith: []cluster.Kind{cluster.KindReplicaSet, cluster.KindDeployment},
		watches:   []cluster.Kind{cluster.KindReplicaSet},
		reconcile: controllers.ReplicaSetController{}.Reconcile,
		properties: func(m *Model) []checker.Property[State] {
			ps := []checker.Property[State]{
				{Name: ReplicaSetStatus, Doc: "A ReplicaSet's status (replicas, ready, available) is written with the counts of the pods the controller saw in the view it read, not invented ones.", Expect: checker.Always, Holds: unbroken(BrokenReplicaSetStatus)},
				{Name: QuiescentReplicaSet, Doc: "When no controller has anything left to do, every ReplicaSet has exactly spec.replicas active pods.", Expect: checker.Always, Holds: m.quiescentReplicaSets},
			}
			if m.cfg.Expectations != ExpectationsOff {
				ps = append(ps, checker.Property[State]{Name: ReplicaSetCreates, Doc: "The ReplicaSet controller creates a pod only when the latest revision has fewer active pods than the spec.replicas of the ReplicaSet it read: its expectations exist to keep this (upstream's ControllerExpectations).", Expect: checker.Always, Holds: unbroken(BrokenReplicaSetCreate)})
			}
			return ps
		},
		liveness: func(m *Model) []checker.Property[State] {
			return []checker.Property[State]{{Name: ReplicaSetsConverge, Doc: "Once faults and users stop, every ReplicaSet eventually runs spec.replicas pods and stays there (on every fair run).", Expect: checker.EventuallyAlways, Holds: m.replicaSetsConverged}}
		},
		monitor: replicaSetMonitor,
	}
}

// replicaSetMonitor judges the ReplicaSet controller's accepted write w, made from view in the
// step from s to ns: a pod create beyond what the ReplicaSet wants, a status that miscounts
// its view. (A clause that a stable ReplicaSet's status says spec.replicas was dropped: a
// status write that does not wait for expectations comes from a view whose active pods are its
// spec.replicas, and its resourceVersion precondition keeps that spec, so it could not fail.)
func replicaSetMonitor(view *cluster.Cluster, s, ns State, w datastore.Write) Monitor {
	if w.Verb != datastore.Create || w.Object.Kind() != cluster.KindPod {
		return statusMiscount(view, w)
	}
	// Kubernetes issue 129795: a sync on a pod cache that lags its own creates, once its
	// expectations expired, creates pods the ReplicaSet already has. The pods are counted in
	// the truth, the wanted number is the spec.replicas the controller read: a spec changed
	// since (a scale-down it has not seen) is a stale read of the spec, which expectations do
	// not guard against and upstream shares; a create for a ReplicaSet that is gone (its UID
	// no longer in the store) is left to the garbage collector.
	before := s.Store.Latest().Cluster
	if truth, read, ok := createdFor(view, before, w); ok {
		if rs, isRS := read.(*cluster.ReplicaSet); isRS && activeOwned(before, truth.Meta().UID) >= rs.Spec.Replicas {
			return BrokenReplicaSetCreate
		}
	}
	return 0
}

// quiescentReplicaSets: at every quiescent state, every ReplicaSet that is not being deleted
// owns exactly spec.replicas active pods, each Running or waiting, unbound, for a node with
// room (settledOwned: a cluster too small for its pods is not a controller's failure).
func (m *Model) quiescentReplicaSets(s State) bool {
	c := s.Store.Latest().Cluster
	for _, o := range c.OfKind(cluster.KindReplicaSet) {
		rs := o.(*cluster.ReplicaSet)
		if active, settled := settledOwned(c, rs, m.wholeCluster(c)); !rs.Terminating() && (active != rs.Spec.Replicas || settled != active) {
			return !m.Quiescent(s) // the costly check only when the cheap one fails
		}
	}
	return true
}

// replicaSetsConverged: in the latest revision every ReplicaSet that is not being deleted owns
// exactly spec.replicas active pods, each Running or waiting, unbound, for a node with room
// (settledOwned).
func (m *Model) replicaSetsConverged(s State) bool {
	c := s.Store.Latest().Cluster
	for _, o := range c.OfKind(cluster.KindReplicaSet) {
		rs := o.(*cluster.ReplicaSet)
		if active, settled := settledOwned(c, rs, m.wholeCluster(c)); !rs.Terminating() && (active != rs.Spec.Replicas || settled != active) {
			return false
		}
	}
	return true
}
