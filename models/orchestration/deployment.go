package orchestration

import (
	"strings"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
)

// The Deployment controller in the model: its properties and monitor. A Deployment is stable
// when its status reports its rollout complete at its current generation (what upstream's
// integration tests wait for).

// Deployment property names.
const (
	DeploymentAnnotations = "a stable Deployment's ReplicaSets carry its annotations"
	TemplateHash          = "a ReplicaSet's pod-template-hash agrees in its name, labels, selector and template"
	OldScaledDown         = "a stable Deployment has scaled its old ReplicaSets to 0"
	PausedNoNewRS         = "no ReplicaSet is created for a paused Deployment"
	RolloutCompletes      = "a rollout completes"
	QuiescentDeployment   = "at quiescence every Deployment that is not paused is complete"
)

// deploymentWorkload is the Deployment controller (controllers.DeploymentController).
func deploymentWorkload() workload {
	return workload{
		kind: DeploymentKind, name: "deployment-controller", runsWith: []cluster.Kind{cluster.KindDeployment},
		watches:   []cluster.Kind{cluster.KindDeployment, cluster.KindReplicaSet},
		reconcile: controllers.DeploymentController{}.Reconcile,
		properties: func(m *Model) []checker.Property[State] {
			return []checker.Property[State]{
				{Name: DeploymentAnnotations, Doc: "When a Deployment is stable, its ReplicaSets carry its annotations (the Deployment controller copies them over): a stale read can leave an old one behind.", Expect: checker.Always, Holds: m.deploymentAnnotations},
				{Name: TemplateHash, Doc: "A ReplicaSet's pod-template-hash is the same in its name, its labels, its selector and its pod template: the Deployment controller derives all four from one hash.", Expect: checker.Always, Holds: templateHash},
				{Name: OldScaledDown, Doc: "When a Deployment is stable (its rollout done), every ReplicaSet of an older template has 0 replicas.", Expect: checker.Always, Holds: m.oldScaledDown},
				{Name: PausedNoNewRS, Doc: "While a Deployment is paused, the Deployment controller creates no ReplicaSet for it: pausing stops rollouts.", Expect: checker.Always, Holds: unbroken(BrokenPaused)},
				{Name: RolloutCompletes, Doc: "Some reachable state has a complete rollout: the new ReplicaSet has all replicas available and the old ones none (a witness that the scenario can succeed).", Expect: checker.Sometimes, Holds: rolloutComplete},
				{Name: QuiescentDeployment, Doc: "When no controller has anything left to do, every Deployment that is not paused has completed its rollout.", Expect: checker.Always, Holds: m.quiescentDeployments},
			}
		},
		monitor: deploymentMonitor,
	}
}

// deploymentMonitor judges the Deployment controller's accepted write w: a ReplicaSet created
// for a Deployment paused in the store both before and after the write (not a resume that a
// weak store lost and then restored with this very write).
func deploymentMonitor(view *cluster.Cluster, s, ns State, w datastore.Write) Monitor {
	if w.Verb != datastore.Create {
		return 0
	}
	paused := func(c *cluster.Cluster, ref cluster.OwnerReference) bool {
		d, ok := c.Get(cluster.KindDeployment, ref.Name).(*cluster.Deployment)
		return ok && d.UID == ref.UID && d.Spec.Paused
	}
	if ref, ok := w.Object.Meta().ControllerRef(); ok && paused(s.Store.Latest().Cluster, ref) && paused(ns.Store.Latest().Cluster, ref) {
		return BrokenPaused
	}
	return 0
}

// deploymentAnnotations: every ReplicaSet a stable Deployment owns carries each of the
// Deployment's annotations that upstream copies (not the skip list), with the same value.
func (m *Model) deploymentAnnotations(s State) bool {
	c := s.Store.Latest().Cluster
	for _, d := range c.Deployments() {
		if !complete(d) {
			continue
		}
		for _, rs := range ownedSets(c, d) {
			for _, kv := range d.Annotations {
				if v, ok := rs.Annotations.Get(kv.Key); !controllers.SkipCopyAnnotation(kv.Key) && (!ok || v != kv.Value) {
					return false
				}
			}
		}
	}
	return true
}

func ownedSets(c *cluster.Cluster, d *cluster.Deployment) []*cluster.ReplicaSet {
	var out []*cluster.ReplicaSet
	for _, rs := range c.ReplicaSets() {
		if ref, ok := rs.ControllerRef(); ok && ref.UID == d.UID {
			out = append(out, rs)
		}
	}
	return out
}

// templateHash: every ReplicaSet with a pod-template-hash label (in every retained revision)
// has the same hash as its name's suffix, in its selector and in its template's labels.
func templateHash(s State) bool {
	for _, r := range s.Store.History {
		for _, rs := range r.Cluster.ReplicaSets() {
			h, ok := rs.Labels.Get(controllers.PodTemplateHashLabel)
			if !ok {
				continue
			}
			sel, _ := rs.Spec.Selector.Get(controllers.PodTemplateHashLabel)
			tmpl, _ := rs.Spec.Template.Labels.Get(controllers.PodTemplateHashLabel)
			if !strings.HasSuffix(rs.Name, "-"+h) || sel != h || tmpl != h {
				return false
			}
		}
	}
	return true
}

// oldScaledDown: a stable Deployment has every ReplicaSet but the one of its current template
// scaled to 0.
func (m *Model) oldScaledDown(s State) bool {
	c := s.Store.Latest().Cluster
	for _, d := range c.Deployments() {
		if !complete(d) {
			continue
		}
		for _, rs := range ownedSets(c, d) {
			if !controllers.EqualIgnoreHash(rs.Spec.Template, d.Spec.Template) && rs.Spec.Replicas != 0 {
				return false
			}
		}
	}
	return true
}

// rolloutComplete: some Deployment's status says its rollout is complete at its generation.
func rolloutComplete(s State) bool {
	for _, d := range s.Store.Latest().Cluster.Deployments() {
		if complete(d) {
			return true
		}
	}
	return false
}

func complete(d *cluster.Deployment) bool {
	return d.Status.Progressing == controllers.ReasonNewAvailable && d.Status.ObservedGeneration == d.Generation
}

// quiescentDeployments: at quiescence, every Deployment that is not paused is complete: its
// status counts spec.replicas replicas, all updated and available, at its generation, and
// that many pods of its current template run.
func (m *Model) quiescentDeployments(s State) bool {
	c := s.Store.Latest().Cluster
	for _, d := range c.Deployments() {
		if d.Spec.Paused {
			continue
		}
		var running int64
		for _, rs := range ownedSets(c, d) {
			if controllers.EqualIgnoreHash(rs.Spec.Template, d.Spec.Template) {
				running += runningOwned(c, rs)
			}
		}
		if !controllers.DeploymentComplete(d, d.Status) || running != d.Spec.Replicas {
			return !m.Quiescent(s) // the costly check only when the cheap one fails
		}
	}
	return true
}
