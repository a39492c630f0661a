package orchestration

import "github.com/themelios/themelios/models/datastore"

// Covered implements checker.Covering: a step that only moves sessions forward — a controller
// reads a newer revision and acts on nothing (no write, or a rejected one, and no container
// change) — is covered by the state it leaves, which the safety search then need not leave that
// way. (With the switch off, checker.Options.NoReduction, every such step is explored.)
//
// The relation: t R t' when t' is t but for sessions that moved forward from a revision (a
// positive session, never a fresh or reset one) and the history Normalize then drops (t' keeps
// a suffix of t's revisions, and of the latest revision's tombstones under causal consistency);
// the latest revision, the monitor, every controller's containers and node are the same.
//
//   - R is a simulation. Every step of t' is a step of t by the same action to a state R-related
//     to its target: a controller reads any revision of [max(session, oldest readable), latest],
//     and in t both bounds are at most those of t' (the same revisions, the same snapshots), so
//     it reads the same view, makes the same intents (a kubelet's also depend on its containers,
//     the same) and writes the same object to the same latest revision (or, under optimistic and
//     causal consistency, to the revision read, retained by both; a causal merge meets in t only
//     tombstones of objects no revision t' retains holds a stale copy of, which change no merge);
//     faults and the client read only the latest revision, the containers and nodes. A created
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
			len(l.Containers) > 0 && &n.Containers[0] != &l.Containers[0] {
			return false
		}
		if n.Session != l.Session && (l.Session <= datastore.SessionNew || n.Session < l.Session) {
			return false
		}
	}
	return true
}
