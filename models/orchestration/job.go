package orchestration

import (
	"slices"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
)

// The Job controller in the model: its properties, liveness property and monitor.

// Job property names.
const (
	JobStatus       = "a Job's active and ready counts are those of the view they were written from"
	JobFinalizers   = "a Job counts a finished pod only once its tracking finalizer is gone"
	JobSucceeded    = "a Job never succeeds more than completions times"
	JobCreates      = "the Job controller creates a pod only when the Job has fewer active pods than its spec, as read, wants"
	JobsReleasePods = "once the environment stops, a finished Job leaves no pod with its tracking finalizer"
)

// jobWorkload is the Job controller (controllers.JobController). Its create property is listed
// when it keeps expectations, as the ReplicaSet controller's.
func jobWorkload() workload {
	return workload{
		kind: JobKind, name: "job-controller", runsWith: []cluster.Kind{cluster.KindJob},
		watches:   []cluster.Kind{cluster.KindJob},
		reconcile: controllers.JobController{}.Reconcile,
		properties: func(m *Model) []checker.Property[State] {
			ps := []checker.Property[State]{
				{Name: JobStatus, Doc: "A Job's status.active and status.ready are written with the counts of the view they were written from.", Expect: checker.Always, Holds: unbroken(BrokenJobStatus)},
				{Name: JobFinalizers, Doc: "A Job counts a finished pod (succeeded or failed) only once it has removed the pod's batch.kubernetes.io/job-tracking finalizer: otherwise a pod could be counted twice.", Expect: checker.Always, Holds: unbroken(BrokenJobCount)},
				{Name: JobSucceeded, Doc: "A Job never records more successes than spec.completions: each completion is counted once.", Expect: checker.Always, Holds: jobSucceeded},
			}
			if m.cfg.Expectations != ExpectationsOff {
				ps = append(ps, checker.Property[State]{Name: JobCreates, Doc: "The Job controller creates a pod only when the latest revision has fewer active pods than the Job it read wants (parallelism, and completions left): its expectations exist to keep this.", Expect: checker.Always, Holds: unbroken(BrokenJobCreate)})
			}
			return ps
		},
		liveness: func(m *Model) []checker.Property[State] {
			return []checker.Property[State]{{Name: JobsReleasePods, Doc: "Once faults and users stop, every finished Job eventually leaves no pod with its tracking finalizer (Kubernetes 109485).", Expect: checker.EventuallyAlways, Holds: finishedJobsReleased}}
		},
		monitor: jobMonitor,
	}
}

// jobMonitor judges the Job controller's accepted write w: a pod create beyond what the Job
// wants; a status that miscounts its view, or counts a pod that still carries the tracking
// finalizer.
func jobMonitor(view *cluster.Cluster, s, ns State, w datastore.Write) Monitor {
	before := s.Store.Latest().Cluster
	var broken Monitor
	switch {
	case w.Verb == datastore.Create && w.Object.Kind() == cluster.KindPod:
		// Kubernetes issue 130683: a second pod for parallelism 1. As for ReplicaSets: the
		// truth's active pods and succeeded count against the spec the controller read.
		truth, read, ok := createdFor(view, before, w)
		j, isJob := truth.(*cluster.Job)
		if r, readJob := read.(*cluster.Job); ok && isJob && readJob {
			wants := *r // the spec read, with the truth's status
			wants.Status = j.Status
			if activeOwned(before, j.UID) >= controllers.JobWants(&wants) {
				broken |= BrokenJobCreate
			}
		}
	case w.Verb == datastore.UpdateStatus && w.Object.Kind() == cluster.KindJob:
		broken |= statusMiscount(view, w)
		j := w.Object.(*cluster.Job)
		old, ok := view.Get(cluster.KindJob, j.Name).(*cluster.Job)
		if !ok {
			break
		}
		for _, u := range append(slices.Clone(old.Status.UncountedSucceeded), old.Status.UncountedFailed...) {
			counted := !slices.Contains(j.Status.UncountedSucceeded, u) && !slices.Contains(j.Status.UncountedFailed, u)
			if p := ns.Store.Latest().Cluster.PodWithUID(u); counted && p != nil && p.HasFinalizer(controllers.TrackingFinalizer) {
				broken |= BrokenJobCount
			}
		}
	}
	return broken
}

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

// finishedJobsReleased: in the latest revision no pod that a finished Job (Complete or Failed)
// controls still carries the Job's tracking finalizer (Kubernetes issue 109485: a Job declared
// Failed before its controller saw every pod it had created is never synced again, and those
// pods keep the finalizer forever; upstream's fix waits for the Job's expectations before
// declaring it finished).
func finishedJobsReleased(s State) bool {
	c := s.Store.Latest().Cluster
	for _, j := range c.Jobs() {
		if j.Status.Condition == "" {
			continue
		}
		for _, p := range c.Pods() {
			if ref, ok := p.ControllerRef(); ok && ref.UID == j.UID && p.HasFinalizer(controllers.TrackingFinalizer) {
				return false
			}
		}
	}
	return true
}
