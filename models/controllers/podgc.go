package controllers

import (
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

// PodGC force-deletes pods that no kubelet will clean up (after the pod garbage collector of
// Kubernetes v1.34): pods bound to a node whose Node object is gone (gcOrphaned), and
// terminating pods that were never scheduled (gcUnscheduledTerminating). One pod per step, the
// first by name. Left out: the quarantine delay before an orphan is collected, marking pods
// Failed before deleting them, and the threshold on terminated pods.
type PodGC struct{}

// Reconcile returns at most one intent.
func (PodGC) Reconcile(v *cluster.Cluster) []Intent {
	for _, p := range v.Pods() {
		orphan := p.Spec.NodeName != "" && v.Node(p.Spec.NodeName) == nil
		if orphan || p.Spec.NodeName == "" && p.Terminating() {
			why := "its node is gone"
			if !orphan {
				why = "it is terminating and was never scheduled"
			}
			// Force-deleted by name without a precondition (upstream v1.34,
			// markFailedAndDeletePodWithCondition: DeleteOptions with grace period 0).
			return []Intent{{Write: &datastore.Write{Verb: datastore.Delete, Kind: cluster.KindPod, Name: p.Name, Force: true}, Why: why}}
		}
	}
	return nil
}
