package controllers

import (
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

// PodGC force-deletes pods that no kubelet will clean up (after the pod garbage collector of
// Kubernetes v1.34): pods bound to a node whose Node object is gone (gcOrphaned), and
// terminating pods that were never scheduled (gcUnscheduledTerminating). One pod per step, the
// first by name. Upstream deletes an orphan only once a live read of its node (Nodes().Get,
// discoverDeletedNodes) says the node is gone, after a quarantine of 40 seconds (PR 82365,
// Kubernetes 1.17): an orphan's intent names the node (Intent.GoneNode), and the model takes it
// only when the latest revision has no such node, the live read and the delete as one step
// (unless the configuration turns the check off). Left out: the quarantine's delay (no clock),
// marking pods Failed before deleting them, and the threshold on terminated pods.
type PodGC struct{}

// Reconcile returns at most one intent: the first pod to collect, by name. An orphan's intent
// names its node (GoneNode) and, as Instead, the next pod to collect after it, for when a live
// read finds the node (upstream checks each orphan's node and collects the others).
func (PodGC) Reconcile(v *cluster.Cluster) []Intent {
	var first, last *Intent
	for _, p := range v.Pods() {
		orphan := p.Spec.NodeName != "" && v.Node(p.Spec.NodeName) == nil
		if !orphan && (p.Spec.NodeName != "" || !p.Terminating()) {
			continue
		}
		why := "its node is gone"
		if !orphan {
			why = "it is terminating and was never scheduled"
		}
		// Force-deleted by name without a precondition (upstream v1.34,
		// markFailedAndDeletePodWithCondition: DeleteOptions with grace period 0).
		in := &Intent{Write: &datastore.Write{Verb: datastore.Delete, Kind: cluster.KindPod, Name: p.Name, Force: true}, Why: why}
		if orphan {
			in.GoneNode = p.Spec.NodeName
		}
		if first == nil {
			first = in
		} else {
			last.Instead = in
		}
		if !orphan {
			break // nothing a live read can turn down comes after it
		}
		last = in
	}
	if first == nil {
		return nil
	}
	return []Intent{*first}
}
