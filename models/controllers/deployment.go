package controllers

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/themelios/themelios/models/cluster"
)

// Annotations and labels of the Deployment controller (upstream names).
const (
	RevisionAnnotation        = "deployment.kubernetes.io/revision"
	DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas"
	MaxReplicasAnnotation     = "deployment.kubernetes.io/max-replicas"
	PodTemplateHashLabel      = "pod-template-hash"
)

// SkipCopyAnnotation reports whether a Deployment annotation is not copied to its ReplicaSets
// (upstream's skip list: last-applied configuration, revision and revision history, desired
// and max replicas, and the deprecated rollback annotation).
func SkipCopyAnnotation(key string) bool {
	switch key {
	case "kubectl.kubernetes.io/last-applied-configuration", RevisionAnnotation, "deployment.kubernetes.io/revision-history",
		DesiredReplicasAnnotation, MaxReplicasAnnotation, "deprecated.deployment.rollback.to":
		return true
	}
	return false
}

// Progressing reasons written in DeploymentStatus.Progressing.
const (
	ReasonPaused       = "DeploymentPaused"
	ReasonUpdated      = "ReplicaSetUpdated"
	ReasonNewAvailable = "NewReplicaSetAvailable"
)

// DeploymentController rolls Deployments out through ReplicaSets (after the Deployment
// controller of Kubernetes v1.30, one write per step). Each step makes the first write that
// upstream's syncDeployment would make for one Deployment, in its order:
//   - claim ReplicaSets (adopt orphans that match the selector, release those that do not);
//   - paused, or a scaling event (an active ReplicaSet's desired-replicas annotation differs
//     from spec.replicas): sync revision annotations without creating a ReplicaSet, scale
//     (proportionally across active ReplicaSets for RollingUpdate), clean up history when
//     paused, write the status;
//   - RollingUpdate: create the new ReplicaSet (named <deployment>-<pod-template-hash>, with
//     a collision count bumped when the name is taken by another template) or update its
//     annotations, record the revision on the Deployment, scale the new ReplicaSet up within
//     maxSurge, scale old ones down within maxUnavailable (unhealthy replicas first), clean
//     up old ReplicaSets beyond revisionHistoryLimit once complete, write the status;
//   - Recreate: scale old ReplicaSets to 0, wait until none of their pods runs, then create
//     and scale up the new one.
//
// Left out: rollback, progressDeadlineSeconds (no clock, so no ProgressDeadlineExceeded),
// minReadySeconds (available means ready), deletion of Deployments, and expectations. The
// Progressing reason is recomputed at each status write (upstream keeps it between writes and
// writes DeploymentPaused/DeploymentResumed first, in a write of its own).
type DeploymentController struct{}

// Reconcile lists one intent per Deployment that needs a write.
func (DeploymentController) Reconcile(v *cluster.Cluster) []Intent {
	var out []Intent
	sets := v.ReplicaSets()
	for _, d := range v.Deployments() {
		if d.Terminating() {
			continue
		}
		if in, ok := syncDeployment(d, sets, v.Pods()); ok {
			out = append(out, in)
		}
	}
	return out
}

// rollout is one Deployment's ReplicaSets as a sync sees them.
type rollout struct {
	d       *cluster.Deployment
	newRS   *cluster.ReplicaSet   // nil until created
	old     []*cluster.ReplicaSet // oldest first
	surge   int64
	unavail int64
	sets    []*cluster.ReplicaSet // every ReplicaSet of the view
}

func (r *rollout) all() []*cluster.ReplicaSet {
	if r.newRS == nil {
		return r.old
	}
	return append(append([]*cluster.ReplicaSet(nil), r.old...), r.newRS)
}

func syncDeployment(d *cluster.Deployment, sets []*cluster.ReplicaSet, pods []*cluster.Pod) (Intent, bool) {
	if in, ok := claim(d, d.Spec.Selector, sets, nil); ok {
		return in, true
	}
	r := &rollout{d: d, sets: sets}
	r.surge, r.unavail = fenceposts(d)
	mine := owned(d, sets)
	slices.SortStableFunc(mine, func(a, b *cluster.ReplicaSet) int { return int(a.CreationRevision - b.CreationRevision) })
	for _, rs := range mine {
		if rs.Terminating() {
			continue
		}
		if r.newRS == nil && EqualIgnoreHash(rs.Spec.Template, d.Spec.Template) {
			r.newRS = rs
		} else {
			r.old = append(r.old, rs)
		}
	}
	if d.Spec.Paused || r.scalingEvent() {
		return r.first(
			func() (Intent, bool) { return r.syncRevision(false) },
			r.scale,
			func() (Intent, bool) {
				if d.Spec.Paused {
					return r.cleanup()
				}
				return Intent{}, false
			},
			r.status)
	}
	if d.Spec.Strategy == "Recreate" {
		return r.first(
			func() (Intent, bool) { return r.syncRevision(false) },
			r.scaleDownOldForRecreate,
			func() (Intent, bool) {
				if r.oldPodsRunning(pods) {
					if in, ok := r.status(); ok {
						return in, true
					}
					return Intent{}, true // wait for the old pods to stop: nothing more this sync
				}
				if r.newRS == nil {
					return r.syncRevision(true)
				}
				if r.newRS.Spec.Replicas != d.Spec.Replicas {
					return r.scaleTo(r.newRS, d.Spec.Replicas, "scale up the new ReplicaSet")
				}
				return Intent{}, false
			},
			r.cleanupIfComplete,
			r.status)
	}
	return r.first(
		func() (Intent, bool) { return r.syncRevision(true) },
		r.reconcileNew,
		r.reconcileOld,
		r.cleanupIfComplete,
		r.status)
}

// first returns the first write of the steps, in order; a step that reports an intent with no
// write ends the sync there (it waits).
func (r *rollout) first(steps ...func() (Intent, bool)) (Intent, bool) {
	for _, s := range steps {
		if in, ok := s(); ok {
			return in, in.Write != nil
		}
	}
	return Intent{}, false
}

// fenceposts resolves maxSurge (rounded up) and maxUnavailable (rounded down), upstream's
// ResolveFenceposts; both 0 would block a rollout, so maxUnavailable is then 1.
func fenceposts(d *cluster.Deployment) (surge, unavail int64) {
	if d.Spec.Strategy == "Recreate" {
		return 0, 0
	}
	surge = scaledValue(d.Spec.MaxSurge, "25%", d.Spec.Replicas, true)
	unavail = scaledValue(d.Spec.MaxUnavailable, "25%", d.Spec.Replicas, false)
	if surge == 0 && unavail == 0 {
		unavail = 1
	}
	return surge, min(unavail, d.Spec.Replicas)
}

// EqualIgnoreHash compares two pod templates but for their pod-template-hash label.
func EqualIgnoreHash(a, b cluster.PodTemplate) bool {
	a.Labels, b.Labels = a.Labels.Without(PodTemplateHashLabel), b.Labels.Without(PodTemplateHashLabel)
	return a.Equal(&b)
}

func annotationInt(o cluster.Object, key string) (int64, bool) {
	v, ok := o.Meta().Annotations.Get(key)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// Revision is a ReplicaSet's (or Deployment's) revision annotation, 0 if none.
func Revision(o cluster.Object) int64 {
	n, _ := annotationInt(o, RevisionAnnotation)
	return n
}

// scalingEvent: an active ReplicaSet's desired-replicas annotation differs from spec.replicas.
func (r *rollout) scalingEvent() bool {
	for _, rs := range r.all() {
		if n, ok := annotationInt(rs, DesiredReplicasAnnotation); ok && rs.Spec.Replicas > 0 && n != r.d.Spec.Replicas {
			return true
		}
	}
	return false
}

// withAnnotations copies the Deployment's annotations (but the skipped ones) onto rs's.
func (r *rollout) withAnnotations(l cluster.Labels) cluster.Labels {
	for _, kv := range r.d.Annotations {
		if !SkipCopyAnnotation(kv.Key) {
			l = l.With(kv.Key, kv.Value)
		}
	}
	return l
}

func (r *rollout) replicasAnnotations(l cluster.Labels) cluster.Labels {
	l = l.With(DesiredReplicasAnnotation, strconv.FormatInt(r.d.Spec.Replicas, 10))
	return l.With(MaxReplicasAnnotation, strconv.FormatInt(r.d.Spec.Replicas+r.surge, 10))
}

// syncRevision is upstream's getNewReplicaSet: bring the new ReplicaSet's annotations up to
// date (or create it, when create is set), then record its revision on the Deployment.
func (r *rollout) syncRevision(create bool) (Intent, bool) {
	var maxOld int64
	for _, rs := range r.old {
		maxOld = max(maxOld, Revision(rs))
	}
	next := maxOld + 1
	d := r.d
	if r.newRS == nil {
		if !create {
			return Intent{}, false
		}
		return r.createNew(next)
	}
	ann := r.withAnnotations(r.newRS.Annotations)
	if Revision(r.newRS) < next {
		ann = ann.With(RevisionAnnotation, strconv.FormatInt(next, 10))
	}
	if !ann.Equal(r.newRS.Annotations) {
		q := r.newRS.DeepCopy().(*cluster.ReplicaSet)
		q.Annotations = ann
		return update(q, "bring the new ReplicaSet's annotations up to date"), true
	}
	if v, _ := r.newRS.Annotations.Get(RevisionAnnotation); v != "" {
		if cur, _ := d.Annotations.Get(RevisionAnnotation); cur != v {
			q := d.DeepCopy().(*cluster.Deployment)
			q.Annotations = q.Annotations.With(RevisionAnnotation, v)
			return update(q, "record revision "+v), true
		}
	}
	return Intent{}, false
}

// createNew creates the new ReplicaSet, or bumps the collision count if its name is taken.
func (r *rollout) createNew(revision int64) (Intent, bool) {
	d := r.d
	hash := TemplateHash(d.Spec.Template, d.Status.CollisionCount)
	name := d.Name + "-" + hash
	for _, rs := range r.sets {
		if rs.Name == name {
			q := d.ShallowCopy().(*cluster.Deployment) // a status write: nothing else changes
			q.Status.CollisionCount++
			return updateStatus(q, "the name "+name+" is taken by another template"), true
		}
	}
	rs := &cluster.ReplicaSet{
		ObjectMeta: cluster.ObjectMeta{Name: name, Labels: d.Spec.Template.Labels.With(PodTemplateHashLabel, hash),
			OwnerReferences: []cluster.OwnerReference{controllerRef(d)}},
		Spec: cluster.ReplicaSetSpec{Selector: d.Spec.Selector.With(PodTemplateHashLabel, hash), Template: d.Spec.Template},
	}
	rs.Spec.Template.Labels = d.Spec.Template.Labels.With(PodTemplateHashLabel, hash)
	rs.Annotations = r.replicasAnnotations(r.withAnnotations(nil)).With(RevisionAnnotation, strconv.FormatInt(revision, 10))
	rs.Spec.Replicas = d.Spec.Replicas
	if d.Spec.Strategy != "Recreate" {
		rs.Spec.Replicas = r.newReplicas(0)
	}
	return create(rs.DeepCopy(), fmt.Sprintf("roll out revision %d", revision)), true
}

// newReplicas is upstream's NewRSNewReplicas for RollingUpdate: scale the new ReplicaSet up
// from cur as far as maxSurge allows.
func (r *rollout) newReplicas(cur int64) int64 {
	var total int64
	for _, rs := range r.all() {
		total += rs.Spec.Replicas
	}
	maxTotal := r.d.Spec.Replicas + r.surge
	if total >= maxTotal {
		return cur
	}
	return cur + min(maxTotal-total, r.d.Spec.Replicas-cur)
}

// scaleTo updates rs's replicas (and its replicas annotations) when the replicas change
// (upstream's scaleReplicaSetAndRecordEvent).
func (r *rollout) scaleTo(rs *cluster.ReplicaSet, n int64, why string) (Intent, bool) {
	if rs.Spec.Replicas == n {
		return Intent{}, false
	}
	return r.resize(rs, n, why)
}

// resize updates rs's replicas and replicas annotations if either changes (upstream's
// scaleReplicaSet, as proportional scaling calls it).
func (r *rollout) resize(rs *cluster.ReplicaSet, n int64, why string) (Intent, bool) {
	ann := r.replicasAnnotations(rs.Annotations)
	if rs.Spec.Replicas == n && ann.Equal(rs.Annotations) {
		return Intent{}, false
	}
	q := rs.DeepCopy().(*cluster.ReplicaSet)
	q.Spec.Replicas, q.Annotations = n, ann
	return update(q, fmt.Sprintf("%s: %d → %d replicas", why, rs.Spec.Replicas, n)), true
}

func (r *rollout) reconcileNew() (Intent, bool) {
	rs := r.newRS
	switch {
	case rs == nil || rs.Spec.Replicas == r.d.Spec.Replicas:
		return Intent{}, false
	case rs.Spec.Replicas > r.d.Spec.Replicas:
		return r.scaleTo(rs, r.d.Spec.Replicas, "scale down the new ReplicaSet")
	}
	return r.scaleTo(rs, r.newReplicas(rs.Spec.Replicas), "scale up the new ReplicaSet within maxSurge")
}

// reconcileOld scales old ReplicaSets down as far as maxUnavailable allows: first their
// unhealthy replicas, then healthy ones, oldest ReplicaSet first.
func (r *rollout) reconcileOld() (Intent, bool) {
	var oldCount, allCount, available int64
	for _, rs := range r.old {
		oldCount += rs.Spec.Replicas
	}
	if oldCount == 0 || r.newRS == nil {
		return Intent{}, false
	}
	for _, rs := range r.all() {
		allCount += rs.Spec.Replicas
		if rs.Spec.Replicas > 0 || rs == r.newRS { // upstream counts the active old ones and the new one
			available += rs.Status.AvailableReplicas
		}
	}
	minAvailable := r.d.Spec.Replicas - r.unavail
	newUnavailable := r.newRS.Spec.Replicas - r.newRS.Status.AvailableReplicas
	maxScaledDown := allCount - minAvailable - newUnavailable
	if maxScaledDown <= 0 {
		return Intent{}, false
	}
	for _, rs := range r.old {
		if rs.Spec.Replicas == 0 || rs.Spec.Replicas == rs.Status.AvailableReplicas {
			continue
		}
		if rs.Status.AvailableReplicas > rs.Spec.Replicas {
			return Intent{}, false // a stale status: upstream's cleanupUnhealthyReplicas fails this sync
		}
		n := min(maxScaledDown, rs.Spec.Replicas-rs.Status.AvailableReplicas)
		return r.scaleTo(rs, rs.Spec.Replicas-n, "scale down unhealthy replicas of an old ReplicaSet")
	}
	if available <= minAvailable {
		return Intent{}, false
	}
	for _, rs := range r.old {
		if rs.Spec.Replicas == 0 {
			continue
		}
		n := min(rs.Spec.Replicas, available-minAvailable)
		return r.scaleTo(rs, rs.Spec.Replicas-n, "scale down an old ReplicaSet within maxUnavailable")
	}
	return Intent{}, false
}

func (r *rollout) scaleDownOldForRecreate() (Intent, bool) {
	for _, rs := range r.old {
		if rs.Spec.Replicas != 0 {
			return r.scaleTo(rs, 0, "Recreate: scale down an old ReplicaSet")
		}
	}
	return Intent{}, false
}

// oldPodsRunning: a pod of an old ReplicaSet has not finished (upstream counts pods by
// ReplicaSet and ignores Succeeded and Failed ones).
func (r *rollout) oldPodsRunning(pods []*cluster.Pod) bool {
	for _, rs := range r.old {
		if rs.Status.Replicas > 0 {
			return true
		}
		for _, p := range owned(rs, pods) {
			if !p.Finished() {
				return true
			}
		}
	}
	return false
}

// scale is upstream's scale for a scaling event or a paused Deployment: one active
// ReplicaSet takes spec.replicas; a saturated new ReplicaSet makes the old ones 0; otherwise
// (RollingUpdate) the change is spread over the active ReplicaSets in proportion to their
// size.
func (r *rollout) scale() (Intent, bool) {
	d := r.d
	var active []*cluster.ReplicaSet
	for _, rs := range r.all() {
		if rs.Spec.Replicas > 0 {
			active = append(active, rs)
		}
	}
	var target *cluster.ReplicaSet
	switch {
	case len(active) == 1:
		target = active[0]
	case len(active) == 0 && r.newRS != nil:
		target = r.newRS
	case len(active) == 0 && len(r.old) > 0:
		target = r.old[len(r.old)-1]
	}
	if target != nil {
		return r.scaleTo(target, d.Spec.Replicas, "scale to spec.replicas")
	}
	if n := r.newRS; n != nil && n.Spec.Replicas == d.Spec.Replicas && n.Status.AvailableReplicas == d.Spec.Replicas {
		if v, ok := annotationInt(n, DesiredReplicasAnnotation); ok && v == d.Spec.Replicas {
			for _, rs := range active {
				if rs != n {
					return r.scaleTo(rs, 0, "the new ReplicaSet is saturated")
				}
			}
		}
	}
	if d.Spec.Strategy == "Recreate" || len(active) == 0 {
		return Intent{}, false
	}
	var total int64
	for _, rs := range active {
		total += rs.Spec.Replicas
	}
	allowed := d.Spec.Replicas + r.surge
	if d.Spec.Replicas == 0 {
		allowed = 0
	}
	toAdd := allowed - total
	// Larger first; on a tie, newer first when adding and older first when removing.
	slices.SortStableFunc(active, func(a, b *cluster.ReplicaSet) int {
		if a.Spec.Replicas != b.Spec.Replicas {
			return int(b.Spec.Replicas - a.Spec.Replicas)
		}
		if toAdd > 0 {
			return int(b.CreationRevision - a.CreationRevision)
		}
		return int(a.CreationRevision - b.CreationRevision)
	})
	sizes := make([]int64, len(active))
	var added int64
	for i, rs := range active {
		sizes[i] = rs.Spec.Replicas
		if toAdd == 0 || toAdd == added {
			continue
		}
		p := r.fraction(rs)
		if toAdd > 0 {
			p = min(p, toAdd-added)
		} else {
			p = max(p, toAdd-added)
		}
		sizes[i] += p
		added += p
	}
	if toAdd != 0 {
		sizes[0] = max(0, sizes[0]+toAdd-added)
	}
	for i, rs := range active {
		if in, ok := r.resize(rs, sizes[i], "proportional scaling"); ok {
			return in, true
		}
	}
	return Intent{}, false
}

// fraction is upstream's getReplicaSetFraction: rs's share of the new size, from the size
// recorded in its max-replicas annotation.
func (r *rollout) fraction(rs *cluster.ReplicaSet) int64 {
	d := r.d
	if d.Spec.Replicas == 0 {
		return -rs.Spec.Replicas
	}
	size := d.Spec.Replicas + r.surge
	annotated, ok := annotationInt(rs, MaxReplicasAnnotation)
	if !ok || annotated == 0 {
		annotated = d.Status.Replicas
	}
	if annotated == 0 {
		return 0
	}
	return int64(math.Round(float64(rs.Spec.Replicas*size)/float64(annotated))) - rs.Spec.Replicas
}

// cleanupIfComplete cleans up once the stored status says the rollout is complete (upstream
// writes the status first, and cleans up in a later sync).
func (r *rollout) cleanupIfComplete() (Intent, bool) {
	if !DeploymentComplete(r.d, r.d.Status) {
		return Intent{}, false
	}
	return r.cleanup()
}

// cleanup deletes the oldest old ReplicaSets beyond revisionHistoryLimit that are scaled to 0
// and have no replicas left.
func (r *rollout) cleanup() (Intent, bool) {
	diff := int64(len(r.old)) - r.d.Spec.RevisionHistoryLimit
	if diff <= 0 {
		return Intent{}, false
	}
	byRevision := slices.Clone(r.old)
	slices.SortStableFunc(byRevision, func(a, b *cluster.ReplicaSet) int {
		if ra, rb := Revision(a), Revision(b); ra != rb {
			return int(ra - rb)
		}
		return int(a.CreationRevision - b.CreationRevision)
	})
	for _, rs := range byRevision[:diff] {
		if rs.Status.Replicas != 0 || rs.Spec.Replicas != 0 || rs.Generation > rs.Status.ObservedGeneration {
			continue
		}
		return deleteObject(rs, "beyond revisionHistoryLimit"), true
	}
	return Intent{}, false
}

// computeStatus is upstream's calculateStatus plus the Available and Progressing conditions.
func (r *rollout) computeStatus() cluster.DeploymentStatus {
	d := r.d
	st := cluster.DeploymentStatus{ObservedGeneration: d.Generation, CollisionCount: d.Status.CollisionCount}
	var specTotal int64
	for _, rs := range r.all() {
		st.Replicas += rs.Status.Replicas
		st.ReadyReplicas += rs.Status.ReadyReplicas
		st.AvailableReplicas += rs.Status.AvailableReplicas
		specTotal += rs.Spec.Replicas
	}
	if r.newRS != nil {
		st.UpdatedReplicas = r.newRS.Status.Replicas
	}
	st.UnavailableReplicas = max(0, specTotal-st.AvailableReplicas)
	st.Available = st.AvailableReplicas >= d.Spec.Replicas-r.unavail
	switch {
	case d.Spec.Paused:
		st.Progressing = ReasonPaused
	case DeploymentComplete(d, st):
		st.Progressing = ReasonNewAvailable
	default:
		st.Progressing = ReasonUpdated
	}
	return st
}

// DeploymentComplete is upstream's DeploymentComplete: every replica updated and available
// at the current generation.
func DeploymentComplete(d *cluster.Deployment, st cluster.DeploymentStatus) bool {
	n := d.Spec.Replicas
	return st.UpdatedReplicas == n && st.Replicas == n && st.AvailableReplicas == n && st.ObservedGeneration >= d.Generation
}

func (r *rollout) status() (Intent, bool) {
	st := r.computeStatus()
	if st == r.d.Status {
		return Intent{}, false
	}
	q := r.d.ShallowCopy().(*cluster.Deployment) // a status write: nothing else changes
	q.Status = st
	return updateStatus(q, fmt.Sprintf("%d of %d replicas updated, %d available", st.UpdatedReplicas, r.d.Spec.Replicas, st.AvailableReplicas)), true
}
