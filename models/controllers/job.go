package controllers

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

// Job controller names (upstream).
const (
	TrackingFinalizer         = "batch.kubernetes.io/job-tracking"
	CompletionIndexAnnotation = "batch.kubernetes.io/job-completion-index"
	JobComplete               = "Complete"
	JobFailed                 = "Failed"
)

// JobController runs Jobs' pods to completion (after the Job controller of Kubernetes v1.30,
// one write per step). Each step makes the first write of upstream's syncJob for one Job:
//   - claim pods (adopt matching orphans, adding the tracking finalizer; release the rest);
//   - tracking (trackJobStatusAndRemoveFinalizers): record finished pods that still carry the
//     tracking finalizer in status.uncountedTerminatedPods; remove the finalizer of a pod so
//     recorded; move recorded pods whose finalizer is gone into succeeded or failed (and, for
//     Indexed Jobs, completedIndexes). A pod deleted before it finished with its finalizer on
//     counts as failed, except while the Job is suspended;
//   - more failures than backoffLimit: delete the active pods (keeping their finalizers, so
//     they count as failed), then set the Failed condition when nothing is left to count;
//   - suspended: delete the active pods; the tracking removes their finalizers without
//     counting them as failures;
//   - every completion done: delete the pods still active (manageJob wants none), then set the
//     Complete condition; a finished Job is not synced again;
//   - manageJob: NonIndexed keeps min(parallelism, completions - succeeded) pods active
//     (generateName <job>-); Indexed creates the lowest missing index (<job>-<index>-, with
//     the completion-index annotation) and deletes pods of an index that is done or taken;
//   - the status: active and ready pods.
//
// manageJob's creates and deletes (those of a suspended Job included) wait for the Job's
// expectations (Expectations), and so does the Failed condition; the deletes of a failed
// Job's active pods do not, as upstream's deleteActivePods sets none.
//
// Left out: pod failure policies, backoff delays, activeDeadlineSeconds, TTL after finished,
// completions left unset (work queues), and the expectations of finalizer removals. Writes come in this order (tracking
// first, in three writes), where upstream computes the counts and manages pods first and
// batches the tracking writes; Indexed successes are tracked by UID like NonIndexed ones, and
// duplicate indexes keep the first pod by name.
type JobController struct{}

// Reconcile lists one intent per Job that needs a write.
func (JobController) Reconcile(v *cluster.Cluster) []Intent {
	var out []Intent
	pods := v.Pods()
	for _, j := range v.Jobs() {
		if j.Terminating() {
			continue
		}
		if in, ok := syncJob(j, pods); ok {
			out = append(out, in)
		}
	}
	return out
}

// CompletionIndex is a pod's completion index, if it has one.
func CompletionIndex(p *cluster.Pod) (int64, bool) {
	v, ok := p.Annotations.Get(CompletionIndexAnnotation)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil && n >= 0
}

// podFailed is upstream's isPodFailed: Failed, or deleted before it succeeded.
func podFailed(p *cluster.Pod) bool {
	return p.Status.Phase == cluster.PodFailed || p.Terminating() && p.Status.Phase != cluster.PodSucceeded
}

// JobSucceeded is the number of completions a Job's status counts, uncounted ones included.
func JobSucceeded(j *cluster.Job) int64 {
	if j.Spec.CompletionMode == "Indexed" {
		return int64(len(j.Status.CompletedIndexes))
	}
	return j.Status.Succeeded + int64(len(j.Status.UncountedSucceeded))
}

func syncJob(j *cluster.Job, all []*cluster.Pod) (Intent, bool) {
	if j.Status.Condition != "" {
		return Intent{}, false // finished (upstream's IsJobFinished)
	}
	if in, ok := claim(j, j.Spec.Selector, all, nil); ok {
		// An adopted pod gets the tracking finalizer in the same patch (upstream's
		// ownerRefControllerPatch carries the Job controller's finalizers); a released one
		// loses it.
		if in.Write.Patch.AddOwner.UID != 0 {
			in.Write.Patch.AddFinalizer = TrackingFinalizer
		} else {
			in.Write.Patch.RemoveFinalizer = TrackingFinalizer
		}
		return in, true
	}
	pods := owned(j, all)
	var active []*cluster.Pod
	for _, p := range pods {
		if p.Active() {
			active = append(active, p)
		}
	}
	// Every status write carries the active and ready pods of the view, as upstream's does.
	observe := func(st *cluster.JobStatus) {
		st.Active, st.Ready, st.ObservedGeneration = 0, 0, j.Generation
		for _, p := range active {
			st.Active++
			if runningAndReady(p) {
				st.Ready++
			}
		}
	}
	if in, ok := trackFinished(j, pods, observe); ok {
		return in, true
	}
	failed := j.Status.Failed + int64(len(j.Status.UncountedFailed))
	condition := ""
	switch {
	case failed > j.Spec.BackoffLimit:
		condition = JobFailed
	case JobSucceeded(j) >= j.Spec.Completions:
		condition = JobComplete
	}
	var manage *Intent // manageJob's write, which waits for the Job's expectations
	switch {
	case condition == JobFailed:
		// upstream's deleteActivePods (no expectations): the finalizers stay, so the deleted
		// pods count as failed
		if len(active) > 0 {
			return deleteObject(active[0], "the Job has failed"), true
		}
	case j.Spec.Suspend:
		// Deleted with their finalizers, which the tracking then removes without counting
		// them: removing the finalizer first would let a pod that finishes in between stay
		// forever, neither counted nor deleted.
		if len(active) > 0 {
			in := deleteObject(active[0], "the Job is suspended")
			manage = &in
		}
	default:
		if in, ok := manageJob(j, pods, active); ok {
			manage = &in
		}
	}
	status := func(cond string) *Intent {
		st := j.Status.Clone()
		observe(&st)
		if cond != "" && len(active) == 0 && len(st.UncountedSucceeded)+len(st.UncountedFailed) == 0 {
			st.Condition = cond
		}
		if jobStatusEqual(st, j.Status) {
			return nil
		}
		q := j.ShallowCopy().(*cluster.Job) // a status write: nothing else changes
		q.Status = st
		why := fmt.Sprintf("%d active, %d ready", st.Active, st.Ready)
		if st.Condition != j.Status.Condition {
			why = "the Job is " + st.Condition
		}
		in := updateStatus(q, why)
		return &in
	}
	switch {
	case manage != nil:
		// Upstream's manageJob: skipped while the Job's expectations are not satisfied; the
		// status is written then.
		manage.Gate, manage.Instead = j.UID, waiting(status(""))
		manage.Expects = manage.Write.Verb == datastore.Create || manage.Write.Verb == datastore.Delete
		return *manage, true
	case condition == JobFailed:
		// Upstream declares the Job Failed only once its expectations are satisfied.
		in := status(condition)
		if in == nil {
			return Intent{}, false
		}
		if in.Write.Object.(*cluster.Job).Status.Condition != "" {
			in.Gate, in.Instead = j.UID, waiting(status(""))
		}
		return *in, true
	}
	if in := status(condition); in != nil {
		return *in, true
	}
	return Intent{}, false
}

// trackFinished is the finalizer protocol that counts each finished pod exactly once.
func trackFinished(j *cluster.Job, pods []*cluster.Pod, observe func(*cluster.JobStatus)) (Intent, bool) {
	st := j.Status
	observed := func(q *cluster.Job) *cluster.Job {
		observe(&q.Status)
		return q
	}
	recorded := func(u cluster.UID) bool {
		return slices.Contains(st.UncountedSucceeded, u) || slices.Contains(st.UncountedFailed, u)
	}
	// 1. Record newly finished pods.
	var succeeded, failed []cluster.UID
	for _, p := range pods {
		if !p.HasFinalizer(TrackingFinalizer) || recorded(p.UID) {
			continue
		}
		switch {
		case p.Status.Phase == cluster.PodSucceeded:
			succeeded = append(succeeded, p.UID)
		case podFailed(p) && !j.Spec.Suspend:
			failed = append(failed, p.UID)
		}
	}
	if len(succeeded)+len(failed) > 0 {
		q := j.DeepCopy().(*cluster.Job)
		q.Status.UncountedSucceeded = sortedUIDs(append(q.Status.UncountedSucceeded, succeeded...))
		q.Status.UncountedFailed = sortedUIDs(append(q.Status.UncountedFailed, failed...))
		return updateStatus(observed(q), fmt.Sprintf("record %d finished pods before counting them", len(succeeded)+len(failed))), true
	}
	// 2. Remove the finalizer of recorded pods, and of pods deleted while suspended.
	for _, p := range pods {
		if p.HasFinalizer(TrackingFinalizer) && (recorded(p.UID) || p.Terminating() && j.Spec.Suspend && p.Status.Phase != cluster.PodSucceeded) {
			return removeFinalizer(p, TrackingFinalizer, "its end is recorded: drop the tracking finalizer"), true
		}
	}
	// 3. Count recorded pods whose finalizer is gone.
	q := j.DeepCopy().(*cluster.Job)
	keep := func(uids []cluster.UID, count *int64, succeeded bool) []cluster.UID {
		var out []cluster.UID
		for _, u := range uids {
			p := podByUID(pods, u)
			if p != nil && p.HasFinalizer(TrackingFinalizer) {
				out = append(out, u)
				continue
			}
			*count++
			if idx, ok := indexOf(p); ok && succeeded && j.Spec.CompletionMode == "Indexed" && !slices.Contains(q.Status.CompletedIndexes, idx) {
				q.Status.CompletedIndexes = append(q.Status.CompletedIndexes, idx)
				slices.Sort(q.Status.CompletedIndexes)
			}
		}
		return out
	}
	q.Status.UncountedSucceeded = keep(st.UncountedSucceeded, &q.Status.Succeeded, true)
	q.Status.UncountedFailed = keep(st.UncountedFailed, &q.Status.Failed, false)
	if q.Status.Succeeded != st.Succeeded || q.Status.Failed != st.Failed {
		return updateStatus(observed(q), fmt.Sprintf("count finished pods: %d succeeded, %d failed", q.Status.Succeeded, q.Status.Failed)), true
	}
	return Intent{}, false
}

// deleteJobPod is upstream's deleteJobPods for one pod: the tracking finalizer goes first (a
// pod the controller removes is not a failure), then the pod.
func deleteJobPod(p *cluster.Pod, why string) Intent {
	if p.HasFinalizer(TrackingFinalizer) {
		return removeFinalizer(p, TrackingFinalizer, why+": drop the tracking finalizer before deleting the pod")
	}
	return deleteObject(p, why)
}

func indexOf(p *cluster.Pod) (int64, bool) {
	if p == nil {
		return 0, false
	}
	return CompletionIndex(p)
}

func podByUID(pods []*cluster.Pod, u cluster.UID) *cluster.Pod {
	for _, p := range pods {
		if p.UID == u {
			return p
		}
	}
	return nil
}

func sortedUIDs(u []cluster.UID) []cluster.UID {
	slices.Sort(u)
	return slices.Compact(u)
}

// JobWants is the number of active pods manageJob keeps for j: min(parallelism, completions
// left), none once the Job has finished or while it is suspended.
func JobWants(j *cluster.Job) int64 {
	if j.Status.Condition != "" || j.Spec.Suspend {
		return 0
	}
	return max(0, min(j.Spec.Parallelism, j.Spec.Completions-JobSucceeded(j)))
}

// manageJob creates or deletes one pod towards the wanted number of active pods.
func manageJob(j *cluster.Job, pods, active []*cluster.Pod) (Intent, bool) {
	want := JobWants(j)
	why := fmt.Sprintf("%d of %d pods active", len(active), want)
	template := j.Spec.Template
	if j.Spec.CompletionMode != "Indexed" {
		switch n := int64(len(active)); {
		case n > want:
			return deleteJobPod(podsToDelete(active, nil)[0], why), true
		case n < want:
			p := newPod(j, template, "", j.Name+"-")
			p.Finalizers = []string{TrackingFinalizer}
			return create(p, why), true
		}
		return Intent{}, false
	}
	// Indexed: delete a pod whose index is out of range, done, or held by an older pod.
	taken := map[int64]bool{} // only looked up
	for _, p := range pods {
		if idx, ok := CompletionIndex(p); ok && p.Status.Phase == cluster.PodSucceeded {
			taken[idx] = true
		}
	}
	for _, p := range active {
		idx, ok := CompletionIndex(p)
		if !ok || idx >= j.Spec.Completions || slices.Contains(j.Status.CompletedIndexes, idx) || taken[idx] {
			return deleteJobPod(p, "its completion index is done or taken"), true
		}
		taken[idx] = true
	}
	if int64(len(active)) >= want {
		return Intent{}, false
	}
	for idx := int64(0); idx < j.Spec.Completions; idx++ {
		if taken[idx] || slices.Contains(j.Status.CompletedIndexes, idx) {
			continue
		}
		p := newPod(j, template, "", fmt.Sprintf("%s-%d-", j.Name, idx))
		p.Finalizers = []string{TrackingFinalizer}
		p.Annotations = p.Annotations.With(CompletionIndexAnnotation, strconv.FormatInt(idx, 10))
		p.Spec.Hostname = fmt.Sprintf("%s-%d", j.Name, idx)
		return create(p, fmt.Sprintf("index %d is missing (%s)", idx, why)), true
	}
	return Intent{}, false
}

func jobStatusEqual(a, b cluster.JobStatus) bool {
	return a.Active == b.Active && a.Ready == b.Ready && a.Succeeded == b.Succeeded && a.Failed == b.Failed &&
		a.Condition == b.Condition && a.ObservedGeneration == b.ObservedGeneration &&
		slices.Equal(a.UncountedSucceeded, b.UncountedSucceeded) && slices.Equal(a.UncountedFailed, b.UncountedFailed) &&
		slices.Equal(a.CompletedIndexes, b.CompletedIndexes)
}
