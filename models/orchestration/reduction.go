package orchestration

import (
	"slices"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
)

// Covered implements checker.Covering: a step that only moves sessions forward — a controller
// reads a newer revision and acts on nothing (no write, a rejected one or one that changes
// nothing, no container change, no change to a scheduler's queue or assumed pods, nor to a
// controller's expectations but those observed in every view it may still read) — is
// covered by the state it leaves, which the safety search then need not leave that way. (With
// the switch off, checker.Options.NoReduction, every such step is explored.)
//
// The relation: t R t' when t' is t but for sessions that moved forward from a revision (a
// positive session, never a fresh or reset one) and what Normalize then drops: the history
// (t' keeps a suffix of t's revisions, and of the latest revision's tombstones under causal
// consistency) and a scheduler's queued and assumed pods that no revision t' may read makes
// matter (controllers.SchedulerState.Prune: at every revision t' may read, t's scheduler
// state and that of t' give the same reconcile), and expectations every revision t' may read
// has observed (controllers.Expectations.Prune: they gate nothing there); the latest revision, the monitor, every
// controller's containers and node are the same.
//
//   - R is a simulation. Every step of t' is a step of t by the same action to a state R-related
//     to its target: a controller reads any revision of [max(session, oldest readable), latest]
//     (under CacheInformer each of its caches does, from its own position: the argument holds
//     cache by cache, positions compared componentwise), and in t both bounds are at most those
//     of t' (the same revisions, the same snapshots), so
//     it reads the same view, makes the same intents (a kubelet's also depend on its containers,
//     the same) and writes the same object to the same latest revision (or, under optimistic and
//     causal consistency, to the revision read, retained by both; a causal merge meets in t only
//     tombstones of objects no revision t' retains holds a stale copy of, which change no merge);
//     faults, the client and pod GC's live read of a node read only the latest revision, the
//     containers and nodes. A created
//     object's UID may differ (nextUID scans the longer history), but UIDs are only compared for
//     equality, and the encoding numbers them by first appearance.
//   - Every safety property reads the latest revision, the containers, the monitor, and the
//     retained revisions only as "in every retained revision ..." or "if the revision read is
//     still retained, ...": a property that fails in t' fails in t, which retains more. No
//     property reads sessions. Sometimes properties ("a rollout completes") read the latest
//     revision only.
//
// So the search finds every violation of the safety properties at the same depth, with traces
// that are runs of the model (checker.Covering). Liveness is decided on the whole graph: the
// liveness pass explores the covered steps too.
func (m *Model) Covered(s, next State) bool {
	if next.Broken != s.Broken || len(next.Local) != len(s.Local) {
		return false
	}
	a, b := s.Store.Latest(), next.Store.Latest()
	if a.Number != b.Number || a.Cluster != b.Cluster {
		return false
	}
	for i, l := range s.Local {
		n := next.Local[i]
		if n.Down != l.Down || len(n.Containers) != len(l.Containers) ||
			len(l.Containers) > 0 && &n.Containers[0] != &l.Containers[0] ||
			schedulerKey(n.Scheduler) != schedulerKey(l.Scheduler) {
			return false
		}
		if !slices.Equal(n.Expect, l.Expect) && !slices.Equal(n.Expect, l.Expect.Prune(m.store.OldestReadable(next.Store, n.Session))) {
			return false
		}
		if !forward(l.Session, n.Session) {
			return false
		}
		for j := range l.Caches {
			if !forward(l.Caches[j], n.Caches[j]) {
				return false
			}
		}
	}
	return true
}

// forward reports whether a session (a cache's position) is the same, or moved forward from
// a revision.
func forward(from, to datastore.Session) bool {
	return to == from || from > datastore.SessionNew && to > from
}

// CoveredStep implements checker.StepCovering: a controller's step reading revision r is
// covered by its step reading an older revision r0 that it may also read (under CacheInformer:
// a combination of its caches' reads none of which is newer, informerSteps), when the two make
// the same intent (the same write, byte for byte with every counter, and the same containers
// started or stopped) and the level's writes land on the latest revision whatever was read
// (synchronous, monotonic and resettable sessions; under optimistic and causal consistency a
// write lands on the revision read). The two successors are then the same state but for the
// controller's session, r0 instead of r, and the history that Normalize keeps for it: the one
// that read r0 covers the other under Covered's relation. The monitor judges both writes alike:
// the signature carries which status properties the write breaks against its view. Actions
// marks those steps, for the state it lists them for, once a search under the reduction has
// started (StartCovering).
func (m *Model) CoveredStep(s State, a Action) bool {
	return a.covered
}

// StartCovering implements checker.CoveringStarter: a search under the reduction is about to
// start. From then on the model works out the intents' signatures and marks covered steps
// (Model.signing), and stops memoising writes and store encodings (Model.reducing), for every
// later search too.
func (m *Model) StartCovering() { m.reducing.Store(true) }

// signing says whether Actions marks covered steps, and so whether reconciles work out their
// intents' signatures: where reads may cover one another (siblings), once a search under the
// reduction started (reducing). A search with every step explored skips them: the bounded
// replicaset check then took 0.97x the time of computing them anyway.
func (m *Model) signing() bool { return m.siblings && m.reducing.Load() }

// signature is what an intent does, as bytes (see CoveredStep); view is the one it was
// computed from.
func (m *Model) signature(in controllers.Intent, view *cluster.Cluster) string {
	e := scratchEncoder()
	defer e.release()
	container := func(c *controllers.Container) {
		if c == nil {
			e.int(-1)
			return
		}
		e.str(c.Pod)
		e.int(int64(c.UID))
		e.int(int64(c.Exit))
		e.bool(c.Reported)
		e.int(c.CPU)
	}
	container(in.Run)
	container(in.Stop)
	container(in.Report)
	e.int(int64(in.Gate))
	e.bool(in.Expects) // the successor's expectations
	e.bool(in.Waiting)
	if w := in.Write; w == nil {
		e.int(-1)
	} else {
		e.int(int64(w.Verb))
		e.int(int64(w.Kind))
		e.str(w.Name)
		e.int(int64(w.UID))
		e.str(w.Node)
		e.bool(w.Force)
		e.int(int64(w.Patch.AddOwner.Kind))
		e.str(w.Patch.AddOwner.Name)
		e.int(int64(w.Patch.AddOwner.UID))
		e.bool(w.Patch.AddOwner.Controller)
		e.int(int64(w.Patch.RemoveOwner))
		e.str(w.Patch.AddFinalizer)
		e.str(w.Patch.RemoveFinalizer)
		e.int(int64(statusMiscount(view, *w)))
		if m.unlisted&(BrokenReplicaSetCreate|BrokenJobCreate) == 0 {
			for _, n := range createRead(view, *w) {
				e.int(n)
			}
		}
		if o := w.Object; o == nil {
			e.int(-1)
		} else {
			e.int(int64(o.Kind()))
			e.str(o.Meta().Name)
			e.writeStatic(o)
			rawCounters(e, o)
		}
	}
	return string(e.buf)
}

// rawCounters writes the values that staticEncoding leaves out (see encoder.relative) as they
// are: UIDs, generations, resourceVersions, revisions.
func rawCounters(e *encoder, o cluster.Object) {
	m := o.Meta()
	for _, n := range []int64{int64(m.UID), m.Generation, m.ResourceVersion, m.CreationRevision, m.DeletionTimestamp} {
		e.int(n)
	}
	for _, r := range m.OwnerReferences {
		e.int(int64(r.UID))
	}
	for _, kv := range m.Annotations {
		if n, ok := rolloutAnnotation(kv); ok {
			e.int(n)
		}
	}
	switch x := o.(type) {
	case *cluster.ReplicaSet:
		e.int(x.Status.ObservedGeneration)
	case *cluster.Deployment:
		e.int(x.Status.ObservedGeneration)
	case *cluster.StatefulSet:
		e.int(x.Status.ObservedGeneration)
	case *cluster.ControllerRevision:
		e.int(x.Revision)
	case *cluster.Job:
		e.int(x.Status.ObservedGeneration)
		for _, l := range [][]cluster.UID{x.Status.UncountedSucceeded, x.Status.UncountedFailed} {
			e.int(int64(len(l)))
			for _, u := range l {
				e.int(int64(u))
			}
		}
	}
}

// schedulerSlices identifies a scheduler's state by its slices (states share them until they
// change).
type schedulerSlices struct {
	backoff       *cluster.UID
	assumed       *controllers.Assumed
	nBack, nAssum int
}

func schedulerKey(st controllers.SchedulerState) schedulerSlices {
	k := schedulerSlices{nBack: len(st.Backoff), nAssum: len(st.Assumed)}
	if len(st.Backoff) > 0 {
		k.backoff = &st.Backoff[0]
	}
	if len(st.Assumed) > 0 {
		k.assumed = &st.Assumed[0]
	}
	return k
}
