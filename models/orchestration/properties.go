package orchestration

import (
	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
)

// Property names of every scenario; each workload controller's are in its file.
const (
	UniqueNames   = "names are unique"
	OneNodePerPod = "a pod identity runs on at most one node"
	TerminalStays = "a pod in a terminal phase never runs again"
	BoundFit      = "the pods bound to a node fit its allocatable"
	KubeletFit    = "the pods a kubelet runs fit its node's allocatable"
)

// Properties are the model's properties: the first two always, the fit and terminal-phase
// properties where they apply, each workload controller's when the initial cluster has objects
// it runs for (in the order of the workloads table), then the liveness properties.
func (m *Model) Properties() []checker.Property[State] {
	ps := []checker.Property[State]{
		{Name: UniqueNames, Doc: "No retained revision holds two objects of one kind with the same name: the API server refuses a create of a name that exists (409 AlreadyExists).", Expect: checker.Always, Holds: m.uniqueNames},
		{Name: OneNodePerPod, Doc: "No pod name (a StatefulSet identity such as db-0) has containers running on two kubelets at once. StatefulSets promise at most one pod per identity; Kubernetes issue 59848 broke it with a kubelet reading a stale cache.", Expect: checker.Always, Holds: m.oneNodePerPod},
	}
	if m.limited() {
		ps = append(ps,
			checker.Property[State]{Name: BoundFit, Doc: "The pods bound to each node fit its allocatable: their CPU requests and their number. This is the scheduler's promise when it binds a pod.", Expect: checker.Always, Holds: boundFit},
			checker.Property[State]{Name: KubeletFit, Doc: "The pods whose containers a kubelet runs fit its node's allocatable (CPU and pod count): kubelet admission rejects a pod that does not fit.", Expect: checker.Always, Holds: m.kubeletFit})
	}
	if m.cfg.Faults.ContainerExit || m.has(cluster.KindJob) || m.limited() {
		ps = append(ps, checker.Property[State]{Name: TerminalStays, Doc: "A pod whose phase is Succeeded or Failed is never started again: those phases are final in Kubernetes (a kubelet must not re-run a finished pod).", Expect: checker.Always, Holds: terminalStays})
	}
	for _, w := range m.workloads {
		if m.has(w.runsWith...) {
			ps = append(ps, w.properties(m)...)
		}
	}
	return append(ps, m.liveness()...)
}

// uniqueNames: within every retained revision, no two objects of one kind share a name.
func (m *Model) uniqueNames(s State) bool {
	for _, r := range s.Store.History {
		objs := r.Cluster.Objects()
		for i := 1; i < len(objs); i++ {
			if objs[i].Kind() == objs[i-1].Kind() && objs[i].Meta().Name == objs[i-1].Meta().Name {
				return false
			}
		}
	}
	return true
}

// oneNodePerPod: no pod name has running containers on two nodes (Kubernetes issue 59848).
func (m *Model) oneNodePerPod(s State) bool {
	node := map[string]int{} // pod name to the kubelet running it; only looked up
	for i, l := range s.Local {
		for _, c := range l.Containers {
			if c.Exit != controllers.Running {
				continue
			}
			if k, ok := node[c.Pod]; ok && k != i {
				return false
			}
			node[c.Pod] = i
		}
	}
	return true
}

// limited reports whether some node has a limit on its allocatable CPU or pods: the fit
// properties are listed then.
func (m *Model) limited() bool {
	if m.everything {
		return true
	}
	for _, n := range m.cfg.Kubelets {
		if n.Status.AllocatableCPU > 0 || n.Status.AllocatablePods > 0 {
			return true
		}
	}
	return false
}

// boundFit: in the latest revision, the pods bound to each node and not in a terminal phase
// (terminating ones included) fit its allocatable CPU and pod count, as the scheduler counts
// them (Kubernetes issue 45220: a scheduler on a stale cache binds a pod to a full node).
func boundFit(s State) bool {
	c := s.Store.Latest().Cluster
	for _, n := range c.Nodes() {
		if cpu, count := controllers.NodeLoad(c.Pods(), n.Name); !controllers.Fits(n.Status, cpu, count) {
			return false
		}
	}
	return true
}

// kubeletFit: the containers each kubelet runs fit its node's allocatable (its admission's
// promise).
func (m *Model) kubeletFit(s State) bool {
	for i, l := range s.Local {
		if m.ctrls[i].Kind != KubeletKind {
			continue
		}
		if cpu, count := controllers.RunningLoad(l.Containers); !controllers.Fits(m.ctrls[i].Kubelet.Template.Status, cpu, count) {
			return false
		}
	}
	return true
}

// terminalStays: no kubelet starts the containers of a pod (that name and UID) whose phase is
// Succeeded or Failed in the latest revision before the step (a monitor), nor runs them while
// the latest revision says so (Kubernetes issue 37447). Listed when pods can reach a terminal
// phase: containers may exit, the scenario has Jobs, or admission may fail a pod.
func terminalStays(s State) bool {
	if s.Broken&BrokenTerminalRun != 0 {
		return false
	}
	latest := s.Store.Latest().Cluster
	for _, l := range s.Local {
		for _, c := range l.Containers {
			if c.Exit != controllers.Running {
				continue
			}
			if p := latest.Pod(c.Pod); p != nil && p.UID == c.UID && p.Finished() {
				return false
			}
		}
	}
	return true
}

// activeOwned counts the active pods in c whose controller is the object with UID owner.
func activeOwned(c *cluster.Cluster, owner cluster.UID) int64 {
	var n int64
	for _, p := range c.Pods() {
		if ref, ok := p.ControllerRef(); ok && ref.UID == owner && p.Active() {
			n++
		}
	}
	return n
}

// Quiescent reports whether no controller has anything to do in the latest revision and no
// node is down.
func (m *Model) Quiescent(s State) bool {
	latest := s.Store.Latest()
	for i, l := range s.Local {
		if l.Down || len(m.intents(i, latest.Number, latest.Cluster, *l, latest.Cluster)) > 0 {
			return false
		}
	}
	return true
}
