package orchestration

import (
	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
)

// Liveness property names. They are judged over fair runs (see ActionGroup and the checker's
// Fairness): every controller replica is weakly fair, the environment is not.
const (
	PodsScheduled   = "pods that a node can take are eventually all scheduled"
	PodsRun         = "pods bound to a live node eventually all run"
	ControllersRest = "once the environment stops, the controllers come to rest (they do not fight)"
)

// liveness returns the liveness properties: scheduling and running, each workload
// controller's where it runs, and rest.
func (m *Model) liveness() []checker.Property[State] {
	ps := []checker.Property[State]{
		{Name: PodsScheduled, Doc: "Whenever a pod waits for a node that can take it, it is eventually bound (on every fair run): the scheduler does not starve it.", Expect: checker.LeadsTo, Holds: waitsForNode, Then: not(waitsForNode)},
		{Name: PodsRun, Doc: "Whenever a pod is bound to a live node, that node's kubelet eventually runs its containers (on every fair run).", Expect: checker.LeadsTo, Per: len(m.cfg.Kubelets), HoldsPer: m.waitsToRun,
			ThenPer: func(s State, k int) bool { return !m.waitsToRun(s, k) }},
	}
	for _, w := range m.workloads {
		if w.liveness != nil && m.has(w.runsWith...) {
			ps = append(ps, w.liveness(m)...)
		}
	}
	// Controllers come to rest: a state where no controller step would change anything.
	return append(ps, checker.Property[State]{Name: ControllersRest, Doc: "Once faults and users stop acting, the controllers stop writing: no two of them keep undoing each other's writes forever.", Expect: checker.Quiesces})
}

func not(f func(State) bool) func(State) bool { return func(s State) bool { return !f(s) } }

// waitsForNode: in the latest revision some pod is pending, not bound, and a node can take it
// (the scheduler would bind it: the node exists, is ready, and the pod fits). PodsScheduled
// reads: whenever this holds, a state follows where it does not (every such pod was bound,
// deleted, or no longer fits anywhere), on every fair run.
func waitsForNode(s State) bool {
	return len(controllers.Scheduler{}.Reconcile(s.Store.Latest().Cluster)) > 0
}

// waitsToRun: node k (the k-th kubelet's) is live, its kubelet up and its Node object in the
// latest revision, and some pod bound to it there is Pending and not terminating. PodsRun is
// judged per node: whenever this holds, a state follows where it does not (the pods run, are
// deleted, or the node is lost). Per node, so that pods waiting on nodes that crash in turn
// are not taken for one pod that never runs.
func (m *Model) waitsToRun(s State, k int) bool {
	node := m.ctrls[k].Kubelet.Template.Name
	c := s.Store.Latest().Cluster
	if s.Local[k].Down || c.Node(node) == nil {
		return false
	}
	for _, p := range c.Pods() {
		if p.Spec.NodeName == node && !p.Terminating() && p.Status.Phase != cluster.PodRunning && p.Status.Phase != cluster.PodSucceeded && p.Status.Phase != cluster.PodFailed {
			return true
		}
	}
	return false
}
