package orchestration

import (
	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
)

// Property names.
const (
	UniqueNames         = "names are unique"
	OneNodePerPod       = "a pod identity runs on at most one node"
	ReplicaSetStatus    = "a ReplicaSet's status counts the pods of the view it was written from"
	QuiescentReplicaSet = "at quiescence every ReplicaSet runs spec.replicas pods"
	ReplicaSetCreates   = "the ReplicaSet controller creates a pod only when the ReplicaSet has fewer active pods than the spec.replicas it read"

	DeploymentAnnotations = "a stable Deployment's ReplicaSets carry its annotations"
	TemplateHash          = "a ReplicaSet's pod-template-hash agrees in its name, labels, selector and template"
	OldScaledDown         = "a stable Deployment has scaled its old ReplicaSets to 0"
	PausedNoNewRS         = "no ReplicaSet is created for a paused Deployment"
	RolloutCompletes      = "a rollout completes"
	QuiescentDeployment   = "at quiescence every Deployment that is not paused is complete"

	OrderedCreate    = "StatefulSet pods are created in order, each once its predecessors are Running and Ready"
	OrderedTerminate = "StatefulSet pods are terminated in reverse order, each once its successors are gone"
	StatefulSetState = "a StatefulSet's status counts the pods of the view it was written from, and a stable one starts at its start ordinal"
	OrdinalOnce      = "a StatefulSet ordinal runs at most once"
	OneRevision      = "a StatefulSet has one ControllerRevision per distinct template"

	TerminalStays = "a pod in a terminal phase never runs again"
	BoundFit      = "the pods bound to a node fit its allocatable"
	KubeletFit    = "the pods a kubelet runs fit its node's allocatable"

	JobStatus     = "a Job's active and ready counts are those of the view they were written from"
	JobFinalizers = "a Job counts a finished pod only once its tracking finalizer is gone"
	JobSucceeded  = "a Job never succeeds more than completions times"
	JobCreates    = "the Job controller creates a pod only when the Job has fewer active pods than its spec, as read, wants"
)

// Properties are the model's properties: the first two always, the others when the initial
// cluster has objects of the kind they are about, then the liveness properties. The
// ReplicaSet and Job controllers' create properties are listed when the controllers keep
// expectations (on or expiring): they check what expectations promise; without them (off) a
// controller creates again on any pod cache that lags its own create, and the other
// properties show what follows (two completions, churn).
func (m *Model) Properties() []checker.Property[State] {
	ps := []checker.Property[State]{
		{Name: UniqueNames, Expect: checker.Always, Holds: m.uniqueNames},
		{Name: OneNodePerPod, Expect: checker.Always, Holds: m.oneNodePerPod},
	}
	if m.limited() {
		ps = append(ps,
			checker.Property[State]{Name: BoundFit, Expect: checker.Always, Holds: boundFit},
			checker.Property[State]{Name: KubeletFit, Expect: checker.Always, Holds: m.kubeletFit})
	}
	if m.cfg.Faults.ContainerExit || m.has(cluster.KindJob) || m.limited() {
		ps = append(ps, checker.Property[State]{Name: TerminalStays, Expect: checker.Always, Holds: terminalStays})
	}
	if m.has(cluster.KindReplicaSet, cluster.KindDeployment) {
		ps = append(ps,
			checker.Property[State]{Name: ReplicaSetStatus, Expect: checker.Always, Holds: m.replicaSetStatus},
			checker.Property[State]{Name: QuiescentReplicaSet, Expect: checker.Always, Holds: m.quiescentReplicaSets})
		if m.cfg.Expectations != ExpectationsOff {
			ps = append(ps, checker.Property[State]{Name: ReplicaSetCreates, Expect: checker.Always, Holds: func(s State) bool { return s.Broken&BrokenReplicaSetCreate == 0 }})
		}
	}
	if m.has(cluster.KindDeployment) {
		ps = append(ps,
			checker.Property[State]{Name: DeploymentAnnotations, Expect: checker.Always, Holds: m.deploymentAnnotations},
			checker.Property[State]{Name: TemplateHash, Expect: checker.Always, Holds: templateHash},
			checker.Property[State]{Name: OldScaledDown, Expect: checker.Always, Holds: m.oldScaledDown},
			checker.Property[State]{Name: PausedNoNewRS, Expect: checker.Always, Holds: func(s State) bool { return s.Broken&BrokenPaused == 0 }},
			checker.Property[State]{Name: RolloutCompletes, Expect: checker.Sometimes, Holds: rolloutComplete},
			checker.Property[State]{Name: QuiescentDeployment, Expect: checker.Always, Holds: m.quiescentDeployments})
	}
	if m.has(cluster.KindStatefulSet) {
		ps = append(ps,
			checker.Property[State]{Name: OrderedCreate, Expect: checker.Always, Holds: func(s State) bool { return s.Broken&BrokenOrderCreate == 0 }},
			checker.Property[State]{Name: OrderedTerminate, Expect: checker.Always, Holds: func(s State) bool { return s.Broken&BrokenOrderDelete == 0 }},
			checker.Property[State]{Name: StatefulSetState, Expect: checker.Always, Holds: statefulSetStatus},
			checker.Property[State]{Name: OrdinalOnce, Expect: checker.Always, Holds: ordinalOnce},
			checker.Property[State]{Name: OneRevision, Expect: checker.Always, Holds: oneRevisionPerTemplate})
	}
	if m.has(cluster.KindJob) {
		ps = append(ps,
			checker.Property[State]{Name: JobStatus, Expect: checker.Always, Holds: jobStatus},
			checker.Property[State]{Name: JobFinalizers, Expect: checker.Always, Holds: func(s State) bool { return s.Broken&BrokenJobCount == 0 }},
			checker.Property[State]{Name: JobSucceeded, Expect: checker.Always, Holds: jobSucceeded})
		if m.cfg.Expectations != ExpectationsOff {
			ps = append(ps, checker.Property[State]{Name: JobCreates, Expect: checker.Always, Holds: func(s State) bool { return s.Broken&BrokenJobCreate == 0 }})
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

// replicaSetStatus: every status the ReplicaSet controller writes counts the active pods the
// ReplicaSet owns in the view it read (a monitor judges each write). (A clause that a stable
// ReplicaSet's status says spec.replicas was dropped: a status write that does not wait for
// expectations comes from a view whose active pods are its spec.replicas, and its
// resourceVersion precondition keeps that spec, so the clause could not fail.)
func (m *Model) replicaSetStatus(s State) bool { return s.Broken&BrokenReplicaSetStatus == 0 }

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
		if l.Down || len(m.intents(i, latest.Number, latest.Cluster, l, latest.Cluster)) > 0 {
			return false
		}
	}
	return true
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
