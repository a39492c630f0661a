package orchestration

import (
	"fmt"
	"slices"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
)

// What the model offers a live cluster (package kube): the controllers it explores, by the
// names its traces give them, the sentences of its traces, and its safety properties judged on
// a cluster's observed history (Observer).

// Reconciler is a controller without state of its own between syncs: a workload controller or
// pod GC. (The scheduler and the kubelets keep state: controllers.SchedulerState and a
// kubelet's containers.)
type Reconciler struct {
	Name      string // as traces name it: "replicaset-controller", "podgc", ...
	Reconcile func(v *cluster.Cluster) []controllers.Intent
}

// Reconcilers lists the workload controllers, in the order of the workloads table, then pod GC.
func Reconcilers() []Reconciler {
	var out []Reconciler
	for _, w := range newWorkloads() {
		out = append(out, Reconciler{Name: w.name, Reconcile: w.reconcile})
	}
	return append(out, Reconciler{Name: "podgc", Reconcile: controllers.PodGC{}.Reconcile})
}

// Sentence says what controller did, as a trace says it: "replicaset-controller read revision
// 812 and created pod web-x7k2p (1 of 3 replicas exist)". out is the API server's answer (its
// Name the created object's name).
func Sentence(controller string, read int64, in controllers.Intent, out datastore.Outcome) string {
	return fmt.Sprintf("%s read revision %d and %s", controller, read, describeIntent(effect{intent: in, outcome: out}))
}

// liveProperties are the safety properties an observer of the API can judge (Observer): those
// of the latest state that need no controller's memory, and the monitors of writes judged
// against the truth (the write's view is not visible; the truth before the write is). Left out:
// what needs a kubelet's containers (one node per pod, fit of the running pods, a terminal
// phase that stays) and the status properties, which are about the view a status was computed
// from.
var liveProperties = []string{UniqueNames, BoundFit, ReplicaSetCreates, JobCreates, JobFinalizers, JobSucceeded,
	OrderedCreate, OrderedTerminate, OneRevision, TemplateHash, PausedNoNewRS}

// liveMonitors are the transition properties among liveProperties, with their monitor bits.
var liveMonitors = map[string]Monitor{ReplicaSetCreates: BrokenReplicaSetCreate, JobCreates: BrokenJobCreate,
	JobFinalizers: BrokenJobCount, OrderedCreate: BrokenOrderCreate, OrderedTerminate: BrokenOrderDelete, PausedNoNewRS: BrokenPaused}

// Observer judges the changes of a live cluster, observed one at a time in the order of their
// revisions, against the model's safety properties that the API shows (runtime verification).
// Each change is taken as the write that makes it: a new object is a create, a deletion
// timestamp set or an object gone (unless it was terminating already) a delete, any other
// change an update; the workload controller that made it is the object's controller's (a pod's
// owner, a Deployment's ReplicaSet). The monitors judge it against the cluster before it, as
// the model judges a write against the latest revision, and against the view the controller
// read, which the API does not show: a write is judged broken only if it is so from every one
// of the last Lag observed states that hold the written object's controller (a controller
// whose cache lags may have read any of them:
// a create for a ReplicaSet a user has just scaled down is the controller's right on the
// spec it read, as the model says).
type Observer struct {
	m       *Model
	s       State
	recent  []*cluster.Cluster // the last Lag states observed, the latest last
	props   []checker.Property[State]
	failing map[string]bool
}

// Lag is how many observed states back a writer's view may be.
const Lag = 64

// NewObserver starts from snapshot initial, at revision rev.
func NewObserver(initial *cluster.Cluster, rev int64) *Observer {
	m := &Model{cfg: Config{Replicas: 1, Level: datastore.Synchronous}, workloads: newWorkloads(), everything: true}
	o := &Observer{m: m, s: State{Store: datastore.Store{History: []datastore.Revision{{Number: rev, Cluster: initial}}}},
		recent: []*cluster.Cluster{initial}, failing: map[string]bool{}}
	for _, p := range m.Properties() {
		if p.Expect == checker.Always && slices.Contains(liveProperties, p.Name) {
			o.props = append(o.props, p)
		}
	}
	for _, p := range o.props {
		o.failing[p.Name] = !p.Holds(o.s)
	}
	return o
}

// Properties are the properties the observer judges.
func (o *Observer) Properties() []checker.Property[State] { return o.props }

// Latest is the cluster as the observed changes leave it.
func (o *Observer) Latest() *cluster.Cluster { return o.s.Store.Latest().Cluster }

// Failing lists the properties that fail in the state the observed changes reached.
func (o *Observer) Failing() []string {
	var out []string
	for _, p := range o.props {
		if o.failing[p.Name] {
			out = append(out, p.Name)
		}
	}
	return out
}

// Observe takes the change of obj at revision rev: its new version, or, when deleted, its last
// one. It returns the properties the change breaks: those whose monitor judges the write
// wrong, and those of the state that held before it and fail after.
func (o *Observer) Observe(rev int64, obj cluster.Object, deleted bool) []string {
	before := o.s.Store.Latest().Cluster
	after := before.With(obj)
	if deleted {
		after = before.Without(obj.Kind(), obj.Meta().Name)
	}
	ns := State{Store: datastore.Store{History: []datastore.Revision{{Number: rev, Cluster: after}}}, Broken: o.s.Broken}
	var broken Monitor
	if w, kind, ok := observedWrite(before, obj, deleted); ok {
		if wl := o.m.workload(kind); wl != nil {
			// A view that predates the written object's controller (by its UID) cannot be the
			// one the controller acted on.
			ref, owned := obj.Meta().ControllerRef()
			for _, bit := range liveMonitors {
				broken |= bit
			}
			for i := len(o.recent) - 1; i >= 0 && broken != 0; i-- {
				if v := o.recent[i]; !owned || hasUID(v, ref) || i == len(o.recent)-1 {
					broken &= wl.monitor(v, o.s, ns, w)
				}
			}
		}
	}
	ns.Broken |= broken
	o.s = ns
	if len(o.recent) == Lag {
		o.recent = append(o.recent[:0:0], o.recent[1:]...)
	}
	o.recent = append(o.recent, after)
	var out []string
	for _, p := range o.props {
		fails := !p.Holds(o.s)
		if fails && !o.failing[p.Name] {
			out = append(out, p.Name)
		}
		o.failing[p.Name] = fails
	}
	// A monitor's property stays broken (it is about a step); each new breaking write is
	// reported again.
	for _, p := range o.props {
		if liveMonitors[p.Name]&broken != 0 && !slices.Contains(out, p.Name) {
			out = append(out, p.Name)
		}
	}
	return out
}

// observedWrite is the write that changed before's copy of obj into obj (or removed it), and
// the workload controller that made it, when one of them did.
func observedWrite(before *cluster.Cluster, obj cluster.Object, deleted bool) (datastore.Write, ControllerKind, bool) {
	old := before.Get(obj.Kind(), obj.Meta().Name)
	var w datastore.Write
	switch {
	case old == nil && !deleted:
		w = datastore.Write{Verb: datastore.Create, Object: obj}
	case old != nil && !old.Meta().Terminating() && (deleted || obj.Meta().Terminating()):
		w = datastore.Write{Verb: datastore.Delete, Kind: obj.Kind(), Name: obj.Meta().Name}
	case old != nil && !deleted && !old.SpecEqual(obj):
		w = datastore.Write{Verb: datastore.Update, Object: obj}
	case old != nil && !deleted:
		w = datastore.Write{Verb: datastore.UpdateStatus, Object: obj}
	default:
		return w, 0, false
	}
	ref, ok := obj.Meta().ControllerRef()
	switch {
	case obj.Kind() == cluster.KindPod && ok && ref.Kind == cluster.KindReplicaSet:
		return w, ReplicaSetKind, true
	case obj.Kind() == cluster.KindPod && ok && ref.Kind == cluster.KindStatefulSet:
		return w, StatefulSetKind, true
	case obj.Kind() == cluster.KindPod && ok && ref.Kind == cluster.KindJob, obj.Kind() == cluster.KindJob:
		return w, JobKind, true
	case obj.Kind() == cluster.KindReplicaSet && ok && ref.Kind == cluster.KindDeployment:
		return w, DeploymentKind, true
	}
	return w, 0, false
}

// hasUID reports whether c holds the object ref names, with its UID.
func hasUID(c *cluster.Cluster, ref cluster.OwnerReference) bool {
	x := c.Get(ref.Kind, ref.Name)
	return x != nil && x.Meta().UID == ref.UID
}
