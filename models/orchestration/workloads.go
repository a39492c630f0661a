package orchestration

import (
	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
)

// workload is everything the model knows of one workload controller, registered in its own
// file (replicaset.go, deployment.go, statefulset.go, job.go): its kind and name, the kinds of
// object whose presence in the initial cluster makes it run, its reconcile of a view, its
// properties and liveness properties, and the monitor of its accepted writes (made from view,
// in the step from s to ns), and the kinds it watches. Adding a workload controller is a file and a row of newWorkloads.
type workload struct {
	kind     ControllerKind
	name     string
	runsWith []cluster.Kind
	// watches are the kinds it watches besides pods (its informers, Kubernetes v1.34), one
	// cache each under CacheInformer.
	watches    []cluster.Kind
	reconcile  func(v *cluster.Cluster) []controllers.Intent
	properties func(m *Model) []checker.Property[State]
	liveness   func(m *Model) []checker.Property[State] // nil for none
	monitor    func(view *cluster.Cluster, s, ns State, w datastore.Write) Monitor
}

// newWorkloads are the workload controllers, in the order they come in a state and their
// properties in a report.
func newWorkloads() []workload {
	return []workload{replicaSetWorkload(), deploymentWorkload(), statefulSetWorkload(), jobWorkload()}
}

// workload returns the workload controller of kind k, or nil.
func (m *Model) workload(k ControllerKind) *workload {
	for i := range m.workloads {
		if m.workloads[i].kind == k {
			return &m.workloads[i]
		}
	}
	return nil
}

// settledOwned counts the active pods that o owns in c, and among them those that are settled:
// Running, or, when every node is in the cluster (full, say whole), pending, unbound, with no
// node that has room for them: a cluster too small for its pods is not a controller's failure,
// while a lost node stays one of the environment's (see fairness).
func settledOwned(c *cluster.Cluster, o cluster.Object, whole bool) (active, settled int64) {
	for _, p := range c.Pods() {
		if ref, ok := p.ControllerRef(); !ok || ref.UID != o.Meta().UID || !p.Active() {
			continue
		}
		active++
		if p.Status.Phase == cluster.PodRunning || whole && p.Spec.NodeName == "" && !controllers.Schedulable(c, p) {
			settled++
		}
	}
	return active, settled
}

// wholeCluster reports whether every node's Node object is in c, Ready.
func (m *Model) wholeCluster(c *cluster.Cluster) bool {
	for _, k := range m.cfg.Kubelets {
		if n := c.Node(k.Name); n == nil || !n.Status.Ready {
			return false
		}
	}
	return true
}

// runningOwned counts the active, Running pods that o owns in c.
func runningOwned(c *cluster.Cluster, o cluster.Object) int64 {
	var n int64
	for _, p := range c.Pods() {
		if ref, ok := p.ControllerRef(); ok && ref.UID == o.Meta().UID && p.Active() && p.Status.Phase == cluster.PodRunning {
			n++
		}
	}
	return n
}
