package controllers

import (
	"fmt"
	"sort"

	"github.com/themelios/themelios/models/cluster"
)

// ReplicaSetController keeps spec.replicas pods of each ReplicaSet (after syncReplicaSet of
// Kubernetes v1.30, one write per step). For each ReplicaSet that is not terminating, the next
// write of its sync is, in order:
//   - adopt a matching active orphan pod (claimPods: set the controller reference);
//   - release an owned active pod whose labels no longer match the selector (a terminating or
//     finished pod is neither adopted nor released);
//   - create a pod from the template when fewer active pods than spec.replicas are owned, or
//     delete one when more, chosen by upstream's ranking (getPodsToDelete);
//   - write the status computed from the owned active pods in the view, when it differs.
//
// Each ReplicaSet with a write to make is one intent: which one a step syncs is a choice, as
// the work queue's order is. Creates and deletes wait for the ReplicaSet's expectations
// (Expectations: manageReplicas runs only when they are satisfied). Left out: slow-start
// batches (one create per step), minReadySeconds, and the garbage collector.
type ReplicaSetController struct{}

// Reconcile lists one intent per ReplicaSet that needs a write.
func (ReplicaSetController) Reconcile(v *cluster.Cluster) []Intent {
	var out []Intent
	pods := v.Pods()
	for _, rs := range v.ReplicaSets() {
		if rs.Terminating() {
			continue
		}
		if in, ok := syncReplicaSet(rs, pods, relatedPods(v, rs, pods)); ok {
			out = append(out, in)
		}
	}
	return out
}

// relatedPods are upstream's getIndirectlyRelatedPods (v1.34.3): the pods that match the
// selector of any ReplicaSet with the same controller as rs (a Deployment's), each once;
// none for a ReplicaSet without a controller.
func relatedPods(v *cluster.Cluster, rs *cluster.ReplicaSet, pods []*cluster.Pod) []*cluster.Pod {
	ref, ok := rs.ControllerRef()
	if !ok {
		return nil
	}
	var out []*cluster.Pod
	seen := map[string]bool{} // by name: names are unique, as upstream's UIDs
	for _, r := range v.ReplicaSets() {
		if rr, ok := r.ControllerRef(); !ok || rr.UID != ref.UID {
			continue
		}
		for _, p := range pods {
			if !seen[p.Name] && r.Spec.Selector.Matches(p.Labels) {
				seen[p.Name] = true
				out = append(out, p)
			}
		}
	}
	return out
}

func syncReplicaSet(rs *cluster.ReplicaSet, pods, related []*cluster.Pod) (Intent, bool) {
	// Only active pods are claimed (upstream v1.34.3 syncReplicaSet: FilterActivePods, then
	// claimPods): a terminating or finished pod is neither adopted nor released.
	var candidates []*cluster.Pod
	for _, p := range pods {
		if p.Active() {
			candidates = append(candidates, p)
		}
	}
	if in, ok := claim(rs, rs.Spec.Selector, candidates, nil); ok {
		return in, true
	}
	active := owned(rs, candidates)
	diff := int64(len(active)) - rs.Spec.Replicas
	why := fmt.Sprintf("%d of %d replicas exist", len(active), rs.Spec.Replicas)
	var status *Intent
	if st := calculateStatus(rs, active); st != rs.Status {
		q := rs.ShallowCopy().(*cluster.ReplicaSet) // a status write: nothing else changes
		q.Status = st
		in := updateStatus(q, why)
		status = &in
	}
	var manage Intent
	switch {
	case diff < 0:
		manage = create(newPod(rs, rs.Spec.Template, "", rs.Name+"-"), why)
	case diff > 0:
		manage = deleteObject(podsToDelete(active, related)[0], why)
	case status != nil:
		return *status, true
	default:
		return Intent{}, false
	}
	manage.Gate, manage.Expects, manage.Instead = rs.UID, true, waiting(status)
	return manage, true
}

// calculateStatus is the status of rs given its owned active pods (upstream's calculateStatus;
// available = ready, as minReadySeconds is not modelled).
func calculateStatus(rs *cluster.ReplicaSet, active []*cluster.Pod) cluster.ReplicaSetStatus {
	st := cluster.ReplicaSetStatus{Replicas: int64(len(active)), ObservedGeneration: rs.Generation}
	for _, p := range active {
		if rs.Spec.Template.Labels.Matches(p.Labels) || len(rs.Spec.Template.Labels) == 0 {
			st.FullyLabeledReplicas++
		}
		if p.Status.Phase == cluster.PodRunning && p.Status.Ready {
			st.ReadyReplicas++
			st.AvailableReplicas++
		}
	}
	return st
}

// podsToDelete orders pods the way upstream deletes them first (ActivePodsWithRanks.Less of
// Kubernetes v1.34.3, ranked by getPodsRankedByRelatedPodsOnSameNode): unassigned before
// assigned; Pending before Running; not ready before ready; then pods on a node with more
// active related pods (related: see relatedPods; none, so no such rank, for a ReplicaSet
// without a controller or for a Job's ActivePods order); newer before older; then by name.
// Pod deletion cost, ready time and restart counts are not modelled, and creation times are
// compared exactly, not on upstream's logarithmic scale.
func podsToDelete(active, related []*cluster.Pod) []*cluster.Pod {
	onNode := map[string]int{} // only looked up
	for _, p := range related {
		if p.Active() && p.Spec.NodeName != "" {
			onNode[p.Spec.NodeName]++
		}
	}
	phaseRank := func(p *cluster.Pod) int {
		if p.Status.Phase == cluster.PodRunning {
			return 2
		}
		if p.Status.Phase == cluster.PodPending || p.Status.Phase == "" {
			return 0
		}
		return 1
	}
	out := append([]*cluster.Pod(nil), active...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Spec.NodeName == "") != (b.Spec.NodeName == "") {
			return a.Spec.NodeName == ""
		}
		if ra, rb := phaseRank(a), phaseRank(b); ra != rb {
			return ra < rb
		}
		if a.Status.Ready != b.Status.Ready {
			return !a.Status.Ready
		}
		if da, db := onNode[a.Spec.NodeName], onNode[b.Spec.NodeName]; da != db {
			return da > db
		}
		if a.CreationRevision != b.CreationRevision {
			return a.CreationRevision > b.CreationRevision
		}
		return a.Name < b.Name
	})
	return out
}
