package controllers

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/themelios/themelios/models/cluster"
)

// Labels of StatefulSet pods (upstream names).
const (
	RevisionLabel = "controller-revision-hash"
	PodNameLabel  = "statefulset.kubernetes.io/pod-name"
	PodIndexLabel = "apps.kubernetes.io/pod-index"
)

// StatefulSetController runs each StatefulSet's pods with stable identities <set>-<ordinal>
// (after the StatefulSet controller of Kubernetes v1.30, one write per step). Each step makes
// the first write of upstream's UpdateStatefulSet for one StatefulSet, in its order:
//   - claim pods (adopt orphans named <set>-<ordinal> that match the selector, release
//     owned pods that no longer match);
//   - history: create a ControllerRevision <set>-<hash> for a template with none, or renumber
//     an older equal revision as the newest;
//   - replicas, in ordinal order from spec.ordinals.start: delete a Failed or Succeeded pod;
//     create a missing PersistentVolumeClaim <template>-<set>-<ordinal>, then the missing pod
//     (at the current revision below the partition, else at the update revision); fix a
//     pod's identity. With OrderedReady, stop at the first pod that was just created, is
//     terminating, or is not Running and Ready;
//   - condemned pods (ordinals beyond the replicas), highest first: delete one, with
//     OrderedReady only once every replica is Running and Ready and only the first unhealthy
//     pod, one at a time;
//   - RollingUpdate: from the highest ordinal down to the partition, delete the first pod not
//     at the update revision, waiting while a pod in that range is unhealthy (OnDelete:
//     nothing);
//   - the status, with currentRevision promoted to the update revision once every replica is
//     updated and ready; then history beyond revisionHistoryLimit is deleted, oldest first.
//
// Left out: minReadySeconds, maxUnavailable for rolling updates, PVC retention policies,
// stale-claim checks, deletion of StatefulSets, and the adoption of orphan ControllerRevisions
// with their collision count (a revision name taken by another object stays taken).
type StatefulSetController struct{}

// Reconcile lists one intent per StatefulSet that needs a write.
func (StatefulSetController) Reconcile(v *cluster.Cluster) []Intent {
	var out []Intent
	for _, s := range v.StatefulSets() {
		if s.Terminating() {
			continue
		}
		if in, ok := syncStatefulSet(s, v); ok {
			out = append(out, in)
		}
	}
	return out
}

// Ordinal returns the ordinal of pod name of StatefulSet set, if the name is <set>-<n>.
func Ordinal(set, name string) (int64, bool) {
	rest, ok := strings.CutPrefix(name, set+"-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != rest {
		return 0, false
	}
	return n, true
}

// ClaimName is the PersistentVolumeClaim of a StatefulSet pod for one of its templates.
func ClaimName(template, set string, ordinal int64) string {
	return fmt.Sprintf("%s-%s-%d", template, set, ordinal)
}

type statefulSync struct {
	s                *cluster.StatefulSet
	v                *cluster.Cluster
	current, updated *cluster.ControllerRevision
}

func syncStatefulSet(s *cluster.StatefulSet, v *cluster.Cluster) (Intent, bool) {
	pods := v.Pods()
	if in, ok := claim(s, s.Spec.Selector, pods, func(p *cluster.Pod) bool { _, ok := Ordinal(s.Name, p.Name); return ok }); ok {
		return in, true
	}
	var revisionsMem [4]*cluster.ControllerRevision
	revisions := appendOwned(revisionsMem[:0], s, v.Revisions())
	slices.SortStableFunc(revisions, func(a, b *cluster.ControllerRevision) int { return int(a.Revision - b.Revision) })
	if in, ok := syncHistory(s, revisions); ok {
		return in, true
	}
	st := &statefulSync{s: s, v: v}
	for _, r := range revisions {
		if r.Template.Equal(&s.Spec.Template) {
			st.updated = r // the newest equal one
		}
		if r.Name == s.Status.CurrentRevision {
			st.current = r
		}
	}
	if st.current == nil {
		st.current = st.updated
	}
	var mineMem, replicasMem [8]*cluster.Pod
	mine := appendOwned(mineMem[:0], s, pods)
	start, end := s.Spec.StartOrdinal, s.Spec.StartOrdinal+s.Spec.Replicas
	var replicas []*cluster.Pod
	if n := max(s.Spec.Replicas, 0); n <= int64(len(replicasMem)) {
		replicas = replicasMem[:n]
	} else {
		replicas = make([]*cluster.Pod, n)
	}
	var condemned []*cluster.Pod
	for _, p := range mine {
		if o, ok := Ordinal(s.Name, p.Name); ok && o >= start && o < end {
			replicas[o-start] = p
		} else if ok {
			condemned = append(condemned, p)
		}
	}
	if in, ok := st.pods(replicas, condemned); ok {
		return in, true
	}
	if in, ok := st.status(mine); ok {
		return in, true
	}
	return truncateHistory(s, revisions, mine, st)
}

// syncHistory creates the revision of the current template, or renumbers an older equal one.
func syncHistory(s *cluster.StatefulSet, revisions []*cluster.ControllerRevision) (Intent, bool) {
	var newest int64
	var equal *cluster.ControllerRevision
	for _, r := range revisions {
		newest = max(newest, r.Revision)
		if r.Template.Equal(&s.Spec.Template) {
			equal = r
		}
	}
	switch {
	case equal == nil:
		r := &cluster.ControllerRevision{
			ObjectMeta: cluster.ObjectMeta{Name: s.Name + "-" + TemplateHash(s.Spec.Template, 0), Labels: s.Spec.Selector,
				OwnerReferences: []cluster.OwnerReference{controllerRef(s)}},
			Template: s.Spec.Template, Revision: newest + 1,
		}
		return create(r.DeepCopy(), fmt.Sprintf("record revision %d of the template", newest+1)), true
	case equal.Revision < newest:
		q := equal.DeepCopy().(*cluster.ControllerRevision)
		q.Revision = newest + 1
		return update(q, fmt.Sprintf("the template is back to revision %s: renumber it %d", equal.Name, newest+1)), true
	}
	return Intent{}, false
}

// newPod is the pod of ordinal o at revision r, with upstream's identity labels (v1.34.3
// updateIdentity: the pod name, and the ordinal as PodIndexLabel, GA in 1.32).
func (st *statefulSync) newPod(o int64, r *cluster.ControllerRevision) *cluster.Pod {
	name := fmt.Sprintf("%s-%d", st.s.Name, o)
	t := r.Template
	t.Labels = t.Labels.With(RevisionLabel, r.Name).With(PodNameLabel, name).With(PodIndexLabel, strconv.FormatInt(o, 10))
	p := newPod(st.s, t, name, "")
	p.Spec.Hostname = name
	for _, c := range st.s.Spec.VolumeClaimTemplates {
		p.Spec.Claims = append(p.Spec.Claims, ClaimName(c, st.s.Name, o))
	}
	return p
}

// identityMatches is upstream's identityMatches for one namespace: the pod-name label.
func identityMatches(p *cluster.Pod) bool {
	v, ok := p.Labels.Get(PodNameLabel)
	return ok && v == p.Name
}

func podRevision(p *cluster.Pod) string { v, _ := p.Labels.Get(RevisionLabel); return v }

// healthy is upstream's isHealthy: Running and Ready and not terminating.
func healthy(p *cluster.Pod) bool { return runningAndReady(p) && !p.Terminating() }

// pods is upstream's updateStatefulSet, up to the first write or wait.
func (st *statefulSync) pods(replicas, condemned []*cluster.Pod) (Intent, bool) {
	s := st.s
	ordered := s.Spec.PodManagementPolicy != "Parallel"
	for i, p := range replicas {
		o := s.Spec.StartOrdinal + int64(i)
		switch {
		case p != nil && p.Finished() && !p.Terminating():
			return deleteObject(p, fmt.Sprintf("pod %s %s: re-create it", p.Name, strings.ToLower(string(p.Status.Phase)))), true
		case p == nil:
			for _, c := range s.Spec.VolumeClaimTemplates {
				if name := ClaimName(c, s.Name, o); st.v.Get(cluster.KindPersistentVolumeClaim, name) == nil {
					pvc := &cluster.PersistentVolumeClaim{ObjectMeta: cluster.ObjectMeta{Name: name, Labels: s.Spec.Selector}, Bound: true}
					return create(pvc, fmt.Sprintf("ordinal %d needs its claim", o)), true
				}
			}
			r := st.updated
			if s.Spec.UpdateStrategy != "OnDelete" && int64(i) < s.Spec.Partition { // the partition counts from the start ordinal
				r = st.current
			}
			return create(st.newPod(o, r), fmt.Sprintf("ordinal %d of %d is missing", o, s.Spec.Replicas)), true
		case ordered && (p.Terminating() || !runningAndReady(p)):
			return Intent{}, false // wait for this pod
		case !p.Terminating() && !p.Finished() && !identityMatches(p):
			q := p.DeepCopy().(*cluster.Pod)
			q.Spec.Hostname = p.Name
			q.Labels = q.Labels.With(PodNameLabel, p.Name).With(PodIndexLabel, strconv.FormatInt(o, 10))
			return update(q, "restore the pod's identity"), true
		}
	}
	// Condemned pods by ordinal: the first unhealthy pod is the lowest, deletion goes from the
	// highest.
	slices.SortFunc(condemned, func(a, b *cluster.Pod) int {
		x, _ := Ordinal(s.Name, a.Name)
		y, _ := Ordinal(s.Name, b.Name)
		return int(x - y)
	})
	var firstUnhealthy *cluster.Pod
	for _, p := range append(slices.Clone(replicas), condemned...) {
		if p != nil && !healthy(p) {
			firstUnhealthy = p
			break
		}
	}
	slices.Reverse(condemned)
	for _, p := range condemned {
		if p.Terminating() {
			if ordered {
				return Intent{}, false
			}
			continue
		}
		if ordered && !runningAndReady(p) && p != firstUnhealthy {
			return Intent{}, false
		}
		return deleteObject(p, fmt.Sprintf("scale down to %d replicas, highest ordinal first", s.Spec.Replicas)), true
	}
	if s.Spec.UpdateStrategy == "OnDelete" {
		return Intent{}, false
	}
	for i := len(replicas) - 1; i >= 0 && int64(i) >= s.Spec.Partition; i-- {
		p := replicas[i]
		if podRevision(p) != st.updated.Name && !p.Terminating() {
			return deleteObject(p, "rolling update to revision "+st.updated.Name), true
		}
		if !healthy(p) {
			return Intent{}, false
		}
	}
	return Intent{}, false
}

// status is upstream's status computation over every owned pod.
func (st *statefulSync) status(pods []*cluster.Pod) (Intent, bool) {
	s := st.s
	n := cluster.StatefulSetStatus{ObservedGeneration: s.Generation,
		CurrentRevision: st.current.Name, UpdateRevision: st.updated.Name}
	for _, p := range pods {
		if _, ok := Ordinal(s.Name, p.Name); !ok {
			continue
		}
		n.Replicas++
		if runningAndReady(p) {
			n.ReadyReplicas++
			n.AvailableReplicas++
		}
		if !p.Terminating() {
			if podRevision(p) == n.CurrentRevision {
				n.CurrentReplicas++
			}
			if podRevision(p) == n.UpdateRevision {
				n.UpdatedReplicas++
			}
		}
	}
	if s.Spec.UpdateStrategy != "OnDelete" && n.UpdatedReplicas == s.Spec.Replicas && n.ReadyReplicas == s.Spec.Replicas && n.Replicas == s.Spec.Replicas {
		n.CurrentRevision, n.CurrentReplicas = n.UpdateRevision, n.UpdatedReplicas
	}
	old := s.Status
	if n == old {
		return Intent{}, false
	}
	q := s.ShallowCopy().(*cluster.StatefulSet) // a status write: nothing else changes
	q.Status = n
	return updateStatus(q, fmt.Sprintf("%d replicas, %d ready, %d updated", n.Replicas, n.ReadyReplicas, n.UpdatedReplicas)), true
}

// truncateHistory deletes the oldest revisions that no pod uses and that are neither current
// nor the update revision, beyond revisionHistoryLimit.
func truncateHistory(s *cluster.StatefulSet, revisions []*cluster.ControllerRevision, pods []*cluster.Pod, st *statefulSync) (Intent, bool) {
	var dead []*cluster.ControllerRevision
	for _, r := range revisions {
		live := r == st.current || r == st.updated || r.Name == s.Status.CurrentRevision || r.Name == s.Status.UpdateRevision
		for _, p := range pods {
			live = live || podRevision(p) == r.Name
		}
		if !live {
			dead = append(dead, r)
		}
	}
	if extra := int64(len(dead)) - s.Spec.RevisionHistoryLimit; extra > 0 {
		return deleteObject(dead[0], "beyond revisionHistoryLimit"), true
	}
	return Intent{}, false
}

// Sync is the controller's sync of StatefulSet s in view v, terminating or not: the write it
// makes, and false when it has nothing to write (the set is stable in v). Reconcile is Sync of
// every set that is not terminating.
func (StatefulSetController) Sync(v *cluster.Cluster, s *cluster.StatefulSet) (Intent, bool) {
	return syncStatefulSet(s, v)
}
