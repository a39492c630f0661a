package datastore

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/themelios/themelios/models/cluster"
)

// Level is a consistency level: which revisions a controller may read, and where its writes land.
type Level uint8

// The consistency levels. Staleness bounds every level but Synchronous: a read is at most that
// many revisions behind the latest.
const (
	// Synchronous: every read is of the latest revision (etcd's linearizable reads); writes
	// apply to the latest revision.
	Synchronous Level = iota
	// MonotonicSession: a read is of any revision no older than the last one the same
	// controller read (its session); a controller that has not read yet, or was restarted,
	// reads the latest. Writes apply to the latest revision (a lagging watch cache in front
	// of a linearizable store).
	MonotonicSession
	// ResettableSession: as MonotonicSession, but a restarted controller may read any
	// retained revision (its new watch cache may start from an older one).
	ResettableSession
	// Optimistic: reads as MonotonicSession; a write applies to the revision that was read and
	// becomes the new latest, so writes made since that revision are lost.
	Optimistic
	// Causal: reads as MonotonicSession; a write is applied to the revision that was read
	// (its preconditions checked there, so concurrent writers do not conflict), and the branch
	// it makes is merged into the latest revision object by object, the later resourceVersion
	// winning (deletions leave tombstones, so that a stale branch cannot resurrect an object).
	// This is causal consistency with convergent conflict handling (causal+, as in COPS): every
	// read sees its session's past and its own writes, and concurrent writes to one object are
	// resolved last-writer-wins instead of being rejected.
	Causal
)

var levelNames = [...]string{"synchronous", "monotonic-session", "resettable-session", "optimistic", "causal"}

func (l Level) String() string { return levelNames[l] }

// Levels lists the levels, strongest first.
func Levels() []Level {
	return []Level{Synchronous, MonotonicSession, ResettableSession, Optimistic, Causal}
}

// ParseLevel reads a level's name.
func ParseLevel(s string) (Level, error) {
	for _, l := range Levels() {
		if l.String() == s {
			return l, nil
		}
	}
	return 0, fmt.Errorf("unknown consistency level %q (want %s)", s, levelList())
}

func levelList() string {
	var names []string
	for _, l := range Levels() {
		names = append(names, l.String())
	}
	return strings.Join(names, ", ")
}

// Unbounded is the staleness that lets a read be of any retained revision.
const Unbounded = -1

// ParseStaleness reads a staleness bound: a number of revisions, or "unbounded".
func ParseStaleness(s string) (int, error) {
	if s == "unbounded" {
		return Unbounded, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("staleness must be a number of revisions >= 0 or unbounded, not %q", s)
	}
	return n, nil
}

// Session is a controller's read position: the revision it last read, or SessionNew (it has not
// read yet) or SessionReset (it was restarted).
type Session int64

const (
	SessionNew   Session = 0
	SessionReset Session = -1
)

// Revision is the cluster at one point of the history.
type Revision struct {
	Number  int64
	Cluster *cluster.Cluster
}

// Tombstone records the deletion of an object at revision Revision.
type Tombstone struct {
	Kind     cluster.Kind
	Name     string
	Revision int64
}

// Store is the retained history of revisions, oldest first, with consecutive numbers. It is a
// value shared between checker states: methods return new Stores and never modify the history
// in place. Nothing may write into a history's array once a Store holds it, not even past its
// length (a new history gets a new array, or a re-slice that drops old revisions): the
// orchestration model's encoding knows a history by the address of its first revision and
// its length (TestWritesNeverShareHistory).
type Store struct {
	History []Revision
	// Gone (Causal only) lists, as of the latest revision, the deleted objects whose stale
	// copies some retained revision still holds, with the revision that deleted them. A store
	// whose Gone changes gets a new History array too (the encoding's rule above).
	Gone []Tombstone
}

// NewStore starts a history with one revision.
func NewStore(c *cluster.Cluster) Store { return Store{History: []Revision{{Number: 1, Cluster: c}}} }

// Latest returns the newest revision.
func (s Store) Latest() Revision { return s.History[len(s.History)-1] }

// At returns revision n's cluster, or nil if it is not retained.
func (s Store) At(n int64) *cluster.Cluster {
	i := n - s.History[0].Number
	if i < 0 || i >= int64(len(s.History)) {
		return nil
	}
	return s.History[i].Cluster
}

// Config is how a store behaves: the level, the staleness bound, and whether sessions may be
// reset later (controller restarts), which decides what history must be kept.
type Config struct {
	Level     Level
	Staleness int // revisions; Unbounded for no bound
	Restarts  bool
	Memo      *WriteMemo // repeated writes give the snapshot they gave before; nil: none does
}

// oldestReadable is the oldest revision a read may be of under the staleness bound.
func (c Config) oldestReadable(s Store) int64 {
	first, latest := s.History[0].Number, s.Latest().Number
	if c.Staleness == Unbounded || latest-int64(c.Staleness) < first {
		return first
	}
	return latest - int64(c.Staleness)
}

// Readable returns the revisions a controller with session sess may read, oldest first: from
// OldestReadable to the latest.
func (c Config) Readable(s Store, sess Session) []int64 {
	lo, latest := c.OldestReadable(s, sess), s.Latest().Number
	revs := make([]int64, 0, latest-lo+1)
	for r := lo; r <= latest; r++ {
		revs = append(revs, r)
	}
	return revs
}

// OldestReadable is the oldest revision a controller with session sess may read (Readable's
// first): every revision from it to the latest is readable.
func (c Config) OldestReadable(s Store, sess Session) int64 {
	lo := s.Latest().Number
	switch {
	case c.Level == Synchronous, sess == SessionNew:
	case sess == SessionReset:
		if c.Level == ResettableSession {
			lo = c.oldestReadable(s)
		}
	default:
		lo = max(int64(sess), c.oldestReadable(s))
	}
	return lo
}

// Write applies w for a controller that read revision read, creating objects with UID uid.
// Accepted writes add a revision, but for one that changes nothing in the latest revision
// (the API server stores nothing: the resourceVersion stays); rejected ones leave the store as
// it was.
func (c Config) Write(s Store, read int64, w Write, uid cluster.UID) (Store, Outcome) {
	return c.WriteAvoiding(s, read, w, uid, nil)
}

// WriteAvoiding is Write where a generated name also avoids the pod names in running, the pods
// some kubelet still runs (nil: none).
func (c Config) WriteAvoiding(s Store, read int64, w Write, uid cluster.UID, running func(string) bool) (Store, Outcome) {
	base := s.Latest().Cluster
	if c.Level == Optimistic || c.Level == Causal {
		base = s.At(read)
	}
	rev := s.Latest().Number + 1
	// A generated name is one no retained revision has, nor a pod a kubelet still runs
	// (upstream's random suffixes make a name's reuse all but impossible: a write by name from
	// any view the store can still serve never meets a pod re-created under a generated name).
	taken := func(k cluster.Kind, name string) bool {
		if k == cluster.KindPod && running != nil && running(name) {
			return true
		}
		for _, r := range s.History {
			if r.Cluster.Get(k, name) != nil {
				return true
			}
		}
		return false
	}
	next, out := c.Memo.apply(base, w, rev, uid, taken)
	if !out.OK() || next == base && base == s.Latest().Cluster {
		return s, out // rejected, or accepted with nothing to store: no new revision
	}
	r := Revision{Number: rev, Cluster: next}
	var gone []Tombstone
	if c.Level == Causal {
		r, gone = mergeBranch(s.Latest(), s.Gone, base, r)
	}
	h := make([]Revision, len(s.History), len(s.History)+1)
	copy(h, s.History)
	return Store{History: append(h, r), Gone: gone}, out
}

// mergeBranch merges the branch revision b, made by a write on view base, into latest, whose
// tombstones are latestGone: per object, the copy or tombstone with the later revision wins.
// Objects the write deleted from base leave tombstones at b's revision. It returns the merged
// revision and its tombstones.
func mergeBranch(latest Revision, latestGone []Tombstone, base *cluster.Cluster, b Revision) (Revision, []Tombstone) {
	type version struct {
		obj cluster.Object // nil for a tombstone
		rev int64
	}
	type key struct {
		kind cluster.Kind
		name string
	}
	winners := map[key]version{} // only looked up, then read in sorted key order
	var keys []key
	offer := func(k key, v version) {
		cur, ok := winners[k]
		if !ok {
			keys = append(keys, k)
		}
		if !ok || v.rev > cur.rev {
			winners[k] = v
		}
	}
	for _, o := range latest.Cluster.Objects() {
		offer(key{o.Kind(), o.Meta().Name}, version{o, o.Meta().ResourceVersion})
	}
	for _, t := range latestGone {
		offer(key{t.Kind, t.Name}, version{nil, t.Revision})
	}
	for _, o := range b.Cluster.Objects() {
		offer(key{o.Kind(), o.Meta().Name}, version{o, o.Meta().ResourceVersion})
	}
	for _, o := range base.Objects() {
		if b.Cluster.Get(o.Kind(), o.Meta().Name) == nil {
			offer(key{o.Kind(), o.Meta().Name}, version{nil, b.Number})
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cluster.Key{Kind: a.kind, Name: a.name}.Compare(cluster.Key{Kind: b.kind, Name: b.name})
	})
	var objs []cluster.Object
	var gone []Tombstone
	for _, k := range keys {
		if v := winners[k]; v.obj != nil {
			objs = append(objs, v.obj)
		} else {
			gone = append(gone, Tombstone{Kind: k.kind, Name: k.name, Revision: v.rev})
		}
	}
	return Revision{Number: b.Number, Cluster: cluster.New(objs...)}, gone
}

// Normalize drops the revisions no controller can read now or later, and moves sessions older
// than anything readable up to the oldest readable revision (which reads the same). sessions
// is modified in place.
func (c Config) Normalize(s Store, sessions []Session) Store {
	keep := s.Latest().Number
	oldest := c.oldestReadable(s)
	if c.Level != Synchronous {
		for i, sess := range sessions {
			if sess > 0 && int64(sess) < oldest {
				sessions[i] = Session(oldest)
			}
			if sess > 0 {
				keep = min(keep, int64(sessions[i]))
			}
			if sess == SessionReset && c.Level == ResettableSession {
				keep = min(keep, oldest)
			}
		}
		if c.Restarts && c.Level == ResettableSession {
			keep = min(keep, oldest)
		}
	}
	if i := keep - s.History[0].Number; i > 0 {
		s.History = s.History[i:]
	}
	if c.Level == Causal {
		s = collectTombstones(s)
	}
	return s
}

// collectTombstones drops the tombstones that no retained revision holds a copy for: no view
// left could bring the object back.
func collectTombstones(s Store) Store {
	var keep []Tombstone
	for _, t := range s.Gone {
		for _, r := range s.History {
			if o := r.Cluster.Get(t.Kind, t.Name); o != nil && o.Meta().ResourceVersion < t.Revision {
				keep = append(keep, t)
				break
			}
		}
	}
	if len(keep) == len(s.Gone) {
		return s
	}
	// A new array for the new store (Store's rule).
	return Store{History: append([]Revision(nil), s.History...), Gone: keep}
}
