package controllers

import (
	"cmp"
	"slices"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

// Scheduler binds the oldest pending pod (by creation, then name) to a feasible node, the
// least loaded: least requested CPU, then fewest pods. Every node that ties for least loaded is
// a choice of its own, as upstream (v1.34, selectHost in pkg/scheduler/schedule_one.go) picks at
// random among the nodes with the highest score (the model took the first by name until
// 2026-12-01, which hid the runs that bind elsewhere). No node is preferred for its name, so
// renaming the nodes renames the choices: nodes that a scenario treats alike are
// interchangeable (the orchestration model's node symmetry). Upstream's scores come from more
// plugins and are normalised to integers, so nodes of slightly different loads may tie there:
// those choices the model still leaves out. A node is feasible
// when its Node object exists, is Ready and schedulable, every NoSchedule taint is tolerated,
// the pod's CPU request and the pod count fit its allocatable resources (a zero allocatable
// means no limit), and every PersistentVolumeClaim the pod names exists.
//
// A pod whose bind failed waits behind the others (ReconcileQueue). Left out: priorities and
// preemption, affinity, topology spread, the back-off's timing; an unschedulable pod is simply
// left pending (no PodScheduled condition).
type Scheduler struct{}

// Reconcile binds the oldest pending pod that fits somewhere: one intent per least loaded
// node, in the nodes' order.
func (s Scheduler) Reconcile(v *cluster.Cluster) []Intent {
	return s.ReconcileQueue(v, SchedulerState{})
}

// SchedulerState is what a scheduler keeps besides its cache (upstream v1.34): its queue's
// back-off, the pods whose bind failed (by UID, in the order they failed), which come after
// every other pending pod; and the pods it assumed, bound by itself and not yet seen bound in
// its cache, which it counts on their nodes (the scheduler cache's AssumePod). A restart loses
// both (Kubernetes issue 45220: a restarted scheduler, on a cache that has not caught up with
// its own bindings, binds a pod to a full node).
type SchedulerState struct {
	Backoff []cluster.UID
	Assumed []Assumed
}

// Assumed is a pod the scheduler bound: its UID, node and CPU request, and the revision its
// binding made. It stands in for the binding in views older than that revision (the cache's
// assumed pod, until its informer delivers the binding); a view at or after it is taken as it
// is (SchedulerState.At).
type Assumed struct {
	UID  cluster.UID `json:"uid"`
	Node string      `json:"node"`
	CPU  int64       `json:"cpu,omitempty"`
	Rev  int64       `json:"rev"`
}

// At is st for a view of revision rev: the assumed pods whose binding it predates.
func (st SchedulerState) At(rev int64) SchedulerState {
	if !slices.ContainsFunc(st.Assumed, func(a Assumed) bool { return a.Rev <= rev }) {
		return st
	}
	var kept []Assumed // nil, mostly: no copy
	for _, a := range st.Assumed {
		if a.Rev > rev {
			kept = append(kept, a)
		}
	}
	st.Assumed = kept
	return st
}

// ReconcileQueue is Reconcile with the scheduler's queue and assumed pods (SchedulerState).
func (s Scheduler) ReconcileQueue(v *cluster.Cluster, st SchedulerState) []Intent {
	pods := v.Pods()
	assumed := func(p *cluster.Pod) bool {
		return slices.ContainsFunc(st.Assumed, func(a Assumed) bool { return a.UID == p.UID })
	}
	var pending []*cluster.Pod
	for _, p := range pods {
		if unbound(p) && !assumed(p) {
			pending = append(pending, p)
		}
	}
	slices.SortStableFunc(pending, func(a, b *cluster.Pod) int { return cmp.Compare(a.CreationRevision, b.CreationRevision) })
	if len(st.Backoff) > 0 {
		rank := func(p *cluster.Pod) int {
			if k := slices.Index(st.Backoff, p.UID); k >= 0 {
				return k + 1
			}
			return 0
		}
		slices.SortStableFunc(pending, func(a, b *cluster.Pod) int { return cmp.Compare(rank(a), rank(b)) })
	}
	for _, p := range pending {
		var best []*cluster.Node
		var bestCPU, bestPods int64
		for _, n := range v.Nodes() {
			cpu, count := NodeLoad(pods, n.Name)
			for _, a := range st.Assumed {
				if q := v.PodWithUID(a.UID); a.Node == n.Name && (q == nil || q.Spec.NodeName == "") {
					cpu, count = cpu+a.CPU, count+1
				}
			}
			if !feasible(v, p, n, cpu, count) {
				continue
			}
			c := -1
			if best != nil {
				c = cmp.Or(cmp.Compare(cpu, bestCPU), cmp.Compare(count, bestPods))
			}
			switch {
			case c < 0:
				best, bestCPU, bestPods = append(best[:0], n), cpu, count
			case c == 0:
				best = append(best, n)
			}
		}
		if best != nil {
			out := make([]Intent, len(best))
			for i, n := range best {
				out[i] = Intent{Write: &datastore.Write{Verb: datastore.Bind, Kind: cluster.KindPod, Name: p.Name, UID: p.UID, Node: n.Name},
					Why: "least loaded feasible node"}
			}
			return out
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

// Feasible reports whether node n of view v passes the scheduler's filters for pod p, with the
// pods v binds to n (not its assumed pods).
func Feasible(v *cluster.Cluster, p *cluster.Pod, n *cluster.Node) bool {
	cpu, count := NodeLoad(v.Pods(), n.Name)
	return feasible(v, p, n, cpu, count)
}

// NodeLoad sums the CPU requests and counts the pods bound to node that still hold resources
// (every pod not in a terminal phase, terminating ones included).
func NodeLoad(pods []*cluster.Pod, node string) (cpu, count int64) {
	for _, p := range pods {
		if p.Spec.NodeName == node && !p.Finished() {
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
	if !Fits(n.Status, cpu+p.Spec.CPU, count+1) {
		return false
	}
	for _, c := range p.Spec.Claims {
		if v.Get(cluster.KindPersistentVolumeClaim, c) == nil {
			return false
		}
	}
	return true
}

// Next is the scheduler's state after it acted on intent in from view v, the write accepted
// (ok, making revision rev) or not: a pod whose bind was rejected goes to the back of the
// queue, one bound joins the assumed pods; a queued pod v shows bound, terminal or
// terminating, or no longer has, leaves the queue. It returns st's slices themselves where nothing changes.
func (st SchedulerState) Next(v *cluster.Cluster, in Intent, ok bool, rev int64) SchedulerState {
	w := in.Write
	bind := w != nil && w.Verb == datastore.Bind
	settled := func(u cluster.UID) bool {
		p := v.PodWithUID(u)
		return p == nil || !unbound(p)
	}
	backoff, changed := st.Backoff[:0:0], false
	for _, u := range st.Backoff {
		if settled(u) || bind && w.UID == u {
			changed = true
			continue
		}
		backoff = append(backoff, u)
	}
	if bind && !ok {
		backoff, changed = append(backoff, w.UID), true
	}
	if changed {
		st.Backoff = backoff
	}
	if bind && ok {
		var cpu int64
		if p := v.PodWithUID(w.UID); p != nil {
			cpu = p.Spec.CPU
		}
		st.Assumed = append(slices.Clone(st.Assumed), Assumed{UID: w.UID, Node: w.Node, CPU: cpu, Rev: rev})
	}
	return st
}

// unbound reports whether p waits for a node: not bound, and active.
func unbound(p *cluster.Pod) bool { return p.Spec.NodeName == "" && p.Active() }

// Fits reports whether cpu millicores and count pods fit a node's allocatable st (a zero
// allocatable means no limit).
func Fits(st cluster.NodeStatus, cpu, count int64) bool {
	return (st.AllocatableCPU == 0 || cpu <= st.AllocatableCPU) && (st.AllocatablePods == 0 || count <= st.AllocatablePods)
}

// Prune drops what no longer matters to the scheduler, whose oldest readable revision is
// oldest and views the revisions it may read (later ones follow from the newest): a queued pod
// that none shows pending (a pod once bound, finished or deleted never becomes so again), and
// an assumed pod whose binding every view includes. It returns st's slices themselves where
// nothing changes.
func (st SchedulerState) Prune(oldest int64, views []*cluster.Cluster) SchedulerState {
	pending := func(u cluster.UID) bool {
		for _, v := range views {
			if p := v.PodWithUID(u); p != nil && unbound(p) {
				return true
			}
		}
		return false
	}
	if slices.ContainsFunc(st.Backoff, func(u cluster.UID) bool { return !pending(u) }) {
		st.Backoff = slices.DeleteFunc(slices.Clone(st.Backoff), func(u cluster.UID) bool { return !pending(u) })
	}
	st = st.At(oldest)
	if len(st.Backoff) == 0 {
		st.Backoff = nil
	}
	if len(st.Assumed) == 0 {
		st.Assumed = nil
	}
	return st
}
