package orchestration

import (
	"strings"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
)

// The properties of Deployments, StatefulSets and Jobs. A Deployment is stable when its
// status reports its rollout complete at its current generation (what upstream's integration
// tests wait for); a StatefulSet or a Job is stable when its controller has nothing left to
// write for it in the latest revision.

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

// statefulSetStatus: every status the StatefulSet controller writes counts, in replicas,
// readyReplicas and availableReplicas, the set's pods in the view it read (a monitor judges each
// write), and a stable StatefulSet's lowest ordinal is spec.ordinals.start.
func statefulSetStatus(s State) bool {
	if s.Broken&BrokenStatefulSetStatus != 0 {
		return false
	}
	c := s.Store.Latest().Cluster
	st := statefulSetSyncs(c)
	for i, set := range c.StatefulSets() {
		if st.pending[i] {
			continue
		}
		lowest := int64(-1)
		for _, p := range c.Pods() {
			if o, ok := controllers.Ordinal(set.Name, p.Name); ok && (lowest < 0 || o < lowest) {
				if ref, owned := p.ControllerRef(); owned && ref.UID == set.UID {
					lowest = o
				}
			}
		}
		if set.Spec.Replicas > 0 && lowest != set.Spec.StartOrdinal {
			return false
		}
	}
	return true
}

// statefulSetPods counts the set's pods in view c, and those Running and Ready.
func statefulSetPods(c *cluster.Cluster, set *cluster.StatefulSet) (replicas, ready int64) {
	for _, p := range c.Pods() {
		if ref, ok := p.ControllerRef(); ok && ref.UID == set.UID {
			if _, member := controllers.Ordinal(set.Name, p.Name); member {
				replicas++
				if p.Status.Phase == cluster.PodRunning && p.Status.Ready {
					ready++
				}
			}
		}
	}
	return replicas, ready
}

// oneRevisionPerTemplate: in the latest revision, the ControllerRevisions a StatefulSet
// controls have pairwise different templates (Kubernetes issue 80698: a controller on a
// revision cache without its own revision took the name's AlreadyExists for a hash collision,
// bumped collisionCount and recorded the same template twice; upstream's fix, kept in v1.34's
// history.CreateControllerRevision, reads the existing revision and keeps it when equal).
func oneRevisionPerTemplate(s State) bool {
	c := s.Store.Latest().Cluster
	for _, set := range c.StatefulSets() {
		var mine []*cluster.ControllerRevision
		for _, r := range c.Revisions() {
			if ref, ok := r.ControllerRef(); ok && ref.UID == set.UID {
				for _, o := range mine {
					if o.Template.Equal(&r.Template) {
						return false
					}
				}
				mine = append(mine, r)
			}
		}
	}
	return true
}

// ordinalOnce: no two running containers, on any nodes, are of the same StatefulSet pod name
// (Kubernetes issue 59848: a pod identity running twice).
func ordinalOnce(s State) bool {
	sets := s.Store.Latest().Cluster.StatefulSets()
	seen := map[string]bool{} // only looked up
	for _, l := range s.Local {
		for _, c := range l.Containers {
			if c.Exit != controllers.Running {
				continue
			}
			for _, set := range sets {
				if _, ok := controllers.Ordinal(set.Name, c.Pod); ok {
					if seen[c.Pod] {
						return false
					}
					seen[c.Pod] = true
				}
			}
		}
	}
	return true
}

// jobStatus: every status the Job controller writes counts, in active and ready, the Job's
// active and ready pods in the view it read (a monitor judges each write).
func jobStatus(s State) bool { return s.Broken&BrokenJobStatus == 0 }

// jobPods counts the Job's active pods in view c, and those Running and Ready.
func jobPods(c *cluster.Cluster, j *cluster.Job) (active, ready int64) {
	for _, p := range c.Pods() {
		if ref, ok := p.ControllerRef(); ok && ref.UID == j.UID && p.Active() {
			active++
			if p.Status.Phase == cluster.PodRunning && p.Status.Ready {
				ready++
			}
		}
	}
	return active, ready
}

// jobSucceeded: no Job's status counts more successes than its completions.
func jobSucceeded(s State) bool {
	for _, j := range s.Store.Latest().Cluster.Jobs() {
		if controllers.JobSucceeded(j) > j.Spec.Completions || j.Status.Succeeded > j.Spec.Completions {
			return false
		}
	}
	return true
}

// statefulSyncs is the StatefulSet controller's sync of each StatefulSet of a snapshot, by
// position among the snapshot's StatefulSets, computed once per snapshot: the controller's
// reconcile of the snapshot (Model.reconcile) and the property judged on every state whose
// latest it is (a set is stable when its sync writes nothing) share it.
type statefulSyncs struct {
	in      []controllers.Intent
	pending []bool // the sync writes something: the set is not stable
}

var statefulSyncsSlot = cluster.NewMemoSlot()

func statefulSetSyncs(c *cluster.Cluster) *statefulSyncs {
	return c.Memo(statefulSyncsSlot, func() any {
		var st statefulSyncs
		for _, set := range c.StatefulSets() {
			in, pending := controllers.StatefulSetController{}.Sync(c, set)
			st.in, st.pending = append(st.in, in), append(st.pending, pending)
		}
		return &st
	}).(*statefulSyncs)
}

// statefulSetReconcile is the StatefulSet controller's reconcile of view v (its Reconcile:
// the sync of every set that is not terminating), from the shared syncs.
func statefulSetReconcile(v *cluster.Cluster) []controllers.Intent {
	st := statefulSetSyncs(v)
	var out []controllers.Intent
	for i, set := range v.StatefulSets() {
		if st.pending[i] && !set.Terminating() {
			out = append(out, st.in[i])
		}
	}
	return out
}
