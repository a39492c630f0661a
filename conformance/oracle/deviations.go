package oracle

import "strings"

// Deviation is a documented way the model's controller differs from upstream's on a view,
// kept for the reason given. Kind is a deviation's name as Compare gives it, or its prefix
// when it ends in "…".
type Deviation struct {
	Controller string
	Kind       string
	Reason     string
	// Sampled: only random mutations of the views show it, rarely. The conformance test asks
	// that one of a controller's sampled deviations of one reason be seen, not each: which
	// one a sample meets is chance.
	Sampled bool
}

// Deviations is the table the README's Fidelity section shows; the conformance test fails on a
// deviation not listed here and on an entry no view shows.
var Deviations = []Deviation{
	{"job", "model: update/status jobs; upstream: create pods", jobOrder, false},
	{"job", "model: update/status jobs; upstream: delete pods", jobOrder, false},
	{"job", "model: update/status jobs; upstream: delete pods, patch pods", jobOrder, false},
	{"job", "model: patch pods; upstream: create pods", jobOrder, false},
	{"job", "model: patch pods; upstream: delete pods", jobOrder, false},
	{"job", "model: patch pods; upstream: update/status jobs", jobOrder, false},
	{"job", "update/status jobs: failed,uncountedFailed", untracked, true},
	{"job", "update/status jobs: succeeded,uncountedSucceeded", untracked, true},
	{"job", "patch pods: another object", jobOrder, false},
	{"deployment", "model: nothing; upstream: update/status deployments (only what is not compared)",
		"The Progressing condition: the model keeps its reason only, recomputed at each status write; upstream keeps times and messages and writes a new reason (FoundNewReplicaSet, NewReplicaSetAvailable, DeploymentResumed) in a status write of its own, where the counts the model compares are already up to date.", false},
}

const untracked = "Mutated views only, which the tracking protocol cannot reach: a finished pod without its tracking finalizer that the status does not count; upstream counts it at once, the model records it as uncounted first."

const jobOrder = "Write order: the model makes the tracking writes first (uncounted pods, finalizer removals, counts), one per step, then manageJob's creates and deletes; upstream manages pods first and batches the tracking writes (JobController's doc comment)."

// Documented returns the entry that explains a deviation of controller, if any.
func Documented(controller, kind string) (Deviation, bool) {
	for _, d := range Deviations {
		if d.Controller != controller {
			continue
		}
		if d.Kind == kind || strings.HasSuffix(d.Kind, "…") && strings.HasPrefix(kind, strings.TrimSuffix(d.Kind, "…")) {
			return d, true
		}
	}
	return Deviation{}, false
}
