package controllers

import (
	"sort"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

// Scheduler binds the oldest pending pod (by creation, then name) to a feasible node, the
// least loaded first (least requested CPU, then fewest pods, then name). A node is feasible
// when its Node object exists, is Ready and schedulable, every NoSchedule taint is tolerated,
// the pod's CPU request and the pod count fit its allocatable resources (a zero allocatable
// means no limit), and every PersistentVolumeClaim the pod names exists.
//
// Left out: priorities and preemption, affinity, topology spread, and the scheduling queue's
// back-off; an unschedulable pod is simply left pending (no PodScheduled condition).
type Scheduler struct{}

// Reconcile returns at most one intent: bind the oldest pending pod that fits somewhere.
func (Scheduler) Reconcile(v *cluster.Cluster) []Intent {
	pods := v.Pods()
	var pending []*cluster.Pod
	for _, p := range pods {
		if p.Spec.NodeName == "" && !p.Terminating() && p.Status.Phase != cluster.PodSucceeded && p.Status.Phase != cluster.PodFailed {
			pending = append(pending, p)
		}
	}
	sort.SliceStable(pending, func(i, j int) bool { return pending[i].CreationRevision < pending[j].CreationRevision })
	for _, p := range pending {
		var best *cluster.Node
		var bestCPU, bestPods int64
		for _, n := range v.Nodes() {
			cpu, count := NodeLoad(pods, n.Name)
			if !feasible(v, p, n, cpu, count) {
				continue
			}
			if best == nil || cpu < bestCPU || cpu == bestCPU && count < bestPods {
				best, bestCPU, bestPods = n, cpu, count
			}
		}
		if best != nil {
			return []Intent{{Write: &datastore.Write{Verb: datastore.Bind, Kind: cluster.KindPod, Name: p.Name, UID: p.UID, Node: best.Name},
				Why: "least loaded feasible node"}}
		}
	}
	return nil
}

// Schedulable reports whether some node of view v can take pod p: the scheduler's filters.
func Schedulable(v *cluster.Cluster, p *cluster.Pod) bool {
	for _, n := range v.Nodes() {
		cpu, count := NodeLoad(v.Pods(), n.Name)
		if feasible(v, p, n, cpu, count) {
			return true
		}
	}
	return false
}

// NodeLoad sums the CPU requests and counts the pods bound to node that still hold resources
// (every pod not in a terminal phase, terminating ones included).
func NodeLoad(pods []*cluster.Pod, node string) (cpu, count int64) {
	for _, p := range pods {
		if p.Spec.NodeName == node && p.Status.Phase != cluster.PodSucceeded && p.Status.Phase != cluster.PodFailed {
			cpu += p.Spec.CPU
			count++
		}
	}
	return cpu, count
}

func feasible(v *cluster.Cluster, p *cluster.Pod, n *cluster.Node, cpu, count int64) bool {
	if !n.Status.Ready || n.Spec.Unschedulable || n.Terminating() {
		return false
	}
	for _, t := range n.Spec.Taints {
		if t.Effect != "NoSchedule" {
			continue
		}
		ok := false
		for _, tol := range p.Spec.Tolerations {
			ok = ok || tol.Tolerates(t)
		}
		if !ok {
			return false
		}
	}
	if a := n.Status.AllocatableCPU; a > 0 && cpu+p.Spec.CPU > a {
		return false
	}
	if a := n.Status.AllocatablePods; a > 0 && count+1 > a {
		return false
	}
	for _, c := range p.Spec.Claims {
		if v.Get(cluster.KindPersistentVolumeClaim, c) == nil {
			return false
		}
	}
	return true
}
