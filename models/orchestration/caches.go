package orchestration

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

// CacheMode is how a controller reads the datastore.
type CacheMode uint8

// The cache modes.
const (
	// CacheSnapshot: a step reads one revision for every kind (Local.Session), the model
	// before per-kind caches.
	CacheSnapshot CacheMode = iota
	// CacheInformer: a controller reads through one cache per kind it watches, as upstream's
	// shared informers (client-go v0.34 tools/cache: one reflector and store per resource).
	// Each cache is a session of its own (Local.Session for pods, Local.Caches for the other
	// kinds): it moves forward monotonically and on its own, never further behind the latest
	// revision than the staleness bound, and a restart re-lists every cache (from the latest
	// revision, or under resettable-session from any retained one). A step reads each kind
	// from its cache, so a view may hold a fresh Job and stale pods. (Any retained revision,
	// after a restart under resettable-session, is one within the staleness bound: restarts
	// make the store keep no more.)
	CacheInformer
)

var cacheNames = modeNames{setting: "cache", names: []string{"snapshot", "informer"}}

// String is the mode's name: snapshot or informer.
func (c CacheMode) String() string { return cacheNames.name(uint8(c), "CacheMode") }

// ParseCache reads a cache mode by name.
func ParseCache(s string) (CacheMode, error) {
	i, err := cacheNames.parse(s)
	return CacheMode(i), err
}

// CacheModes lists the modes' names, in order.
func CacheModes() []string { return slices.Clone(cacheNames.names) }

// moreCaches is the most caches a controller has besides its pod cache (the StatefulSet
// controller's StatefulSets, ControllerRevisions and PersistentVolumeClaims).
const moreCaches = 3

// componentWatches are the kinds the kubelet, the scheduler and pod GC watch besides pods
// (Kubernetes v1.34): the kubelet its Node (pkg/kubelet's node lister; its pods come from the
// API server source, a watch of the pods bound to it), the scheduler nodes and
// PersistentVolumeClaims (the informers its volume binding filter uses), pod GC nodes
// (pkg/controller/podgc: podInformer, nodeInformer). The workload controllers register theirs
// (workload.watches).
var componentWatches = map[ControllerKind][]cluster.Kind{
	KubeletKind:   {cluster.KindNode},
	SchedulerKind: {cluster.KindNode, cluster.KindPersistentVolumeClaim},
	PodGCKind:     {cluster.KindNode},
}

// watches are the kinds controller kind k watches besides pods, in the order of its caches.
func (m *Model) watches(k ControllerKind) []cluster.Kind {
	if w := m.workload(k); w != nil {
		return w.watches
	}
	return componentWatches[k]
}

// Reads is the revision each cache of a controller step read: Pods (Action.Read) first, then
// the kinds of Caches; under CacheSnapshot one revision for every kind.
type Reads struct {
	Kind []cluster.Kind
	Rev  []int64
}

// reads lists what step a read, kind by kind.
func (m *Model) reads(a Action) Reads {
	r := Reads{Kind: []cluster.Kind{cluster.KindPod}, Rev: []int64{a.Read}}
	for j, k := range m.watch[a.Ctrl] {
		r.Kind, r.Rev = append(r.Kind, k), append(r.Rev, a.Caches[j])
	}
	return r
}

// newest is the newest revision a step read: under optimistic and causal consistency its
// write applies there (the store the controller's caches are fed from is at least that new).
func (m *Model) newest(a Action) int64 {
	n := a.Read
	for j := range m.watch[a.Ctrl] {
		n = max(n, a.Caches[j])
	}
	return n
}

// view is what controller i reads in store st with its pod cache at revision pods and its
// other caches at caches (controller i's watch order): the pod cache's snapshot with every
// other kind it watches taken from that kind's cache (interned on the pod snapshot, so that
// the reconciles memoised on a view are shared by the states that compose it alike). Under
// CacheSnapshot, or when the caches agree, the snapshot itself; nil when a revision is not
// retained.
func (m *Model) view(i int, st datastore.Store, pods int64, caches [moreCaches]int64) *cluster.Cluster {
	base := st.At(pods)
	kinds := m.watch[i]
	if base == nil || len(kinds) == 0 {
		return base
	}
	var from [moreCaches]*cluster.Cluster
	for j := range kinds {
		if from[j] = st.At(caches[j]); from[j] == nil {
			return nil
		}
	}
	key := composeKey{kind: m.ctrls[i].Kind}
	same := true
	for j, k := range kinds {
		if !cluster.SameKind(base, from[j], k) {
			key.from[j], same = from[j], false
		}
	}
	if same {
		return base
	}
	t := cluster.Memo(base, composedSlot, func() *composedTable { return &composedTable{views: map[composeKey]*cluster.Cluster{}} })
	t.mu.Lock()
	defer t.mu.Unlock()
	if v, ok := t.views[key]; ok {
		return v
	}
	srcs := make([]*cluster.Cluster, len(kinds))
	for j := range kinds {
		srcs[j] = from[j]
		if key.from[j] == nil {
			srcs[j] = base
		}
	}
	v := base.Composed(kinds, srcs)
	t.views[key] = v
	return v
}

// composedSlot keeps on each snapshot the views composed with it as the pod cache's.
var composedSlot = cluster.NewMemoSlot[composedTable]()

// composeKey identifies a composed view on its pod snapshot: the controller kind (its watched
// kinds) and, per cache, the snapshot its kind comes from (nil: the pod snapshot's).
type composeKey struct {
	kind ControllerKind
	from [moreCaches]*cluster.Cluster
}

type composedTable struct {
	mu    sync.Mutex
	views map[composeKey]*cluster.Cluster // only looked up
}

// cacheReads lists the revisions a cache of the given kinds (at least one) at position sess
// may read in st, oldest first. Where the level's writes land on the latest revision
// (Model.siblings), consecutive revisions with the same objects of those kinds give the same
// successor (runEnd makes the cache's new position the same), so only the newest of each run
// is listed.
func (m *Model) cacheReads(st datastore.Store, sess datastore.Session, kinds ...cluster.Kind) []int64 {
	if len(kinds) == 0 {
		panic("orchestration: a cache of no kind")
	}
	revs := m.store.Readable(st, sess)
	if !m.siblings || m.noCacheRuns || len(revs) < 2 {
		return revs
	}
	out := revs[:0]
	for x, r := range revs {
		if x+1 < len(revs) && sameKinds(st.At(r), st.At(revs[x+1]), kinds) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// runEnd is the newest revision from p on with the same objects of the given kinds (at least
// one) as p: a cache at p reads what a cache at runEnd reads (the same objects of its kinds, at
// any revision it may read), so Normalize moves it there. Only where writes land on the latest revision: under
// optimistic and causal consistency the revision read is where a write applies.
func runEnd(st datastore.Store, p int64, kinds ...cluster.Kind) int64 {
	if len(kinds) == 0 {
		panic("orchestration: a cache of no kind")
	}
	c := st.At(p)
	if c == nil {
		return p
	}
	for q := p + 1; q <= st.Latest().Number; q++ {
		if !sameKinds(c, st.At(q), kinds) {
			return q - 1
		}
	}
	return st.Latest().Number
}

// informerSteps appends controller i's steps under CacheInformer: one per combination of its
// caches' reads (cacheReads) and intent of the view they compose. A step is covered
// (CoveredStep) by an earlier listed one that read no cache newer and makes the same intent:
// the combinations are listed in lexicographic order, which extends the order of reading
// older.
func (m *Model) informerSteps(buf []Action, i int, s State, latest *cluster.Cluster, sign bool) []Action {
	loc := s.Local[i]
	kinds := m.watch[i]
	choices := [1 + moreCaches][]int64{m.cacheReads(s.Store, loc.Session, cluster.KindPod)}
	for j, k := range kinds {
		choices[1+j] = m.cacheReads(s.Store, loc.Caches[j], k)
	}
	n := 1 + len(kinds)
	type read struct {
		revs [1 + moreCaches]int64
		sig  string
	}
	var seen []read
	var at [1 + moreCaches]int // the odometer: an index into each choice list
	for {
		var revs [1 + moreCaches]int64
		for j := 0; j < n; j++ {
			revs[j] = choices[j][at[j]]
		}
		var caches [moreCaches]int64
		copy(caches[:], revs[1:n])
		v := m.view(i, s.Store, revs[0], caches)
		in, sigs := m.stepIntents(i, revs[0], v, *loc, latest, sign)
		for k := range in {
			a := Action{Kind: Step, Ctrl: i, Read: revs[0], Caches: caches, Item: k}
			if sign {
				a.covered = slices.ContainsFunc(seen, func(x read) bool { return x.sig == sigs[k] && olderOrSame(x.revs, revs) })
			}
			buf = append(buf, a)
		}
		if sign {
			for _, sig := range sigs {
				seen = append(seen, read{revs, sig})
			}
		}
		j := n - 1
		for ; j >= 0; j-- {
			if at[j]++; at[j] < len(choices[j]) {
				break
			}
			at[j] = 0
		}
		if j < 0 {
			return buf
		}
	}
}

// sameKinds reports whether c and d hold the same objects of every kind of kinds.
func sameKinds(c, d *cluster.Cluster, kinds []cluster.Kind) bool {
	for _, k := range kinds {
		if !cluster.SameKind(c, d, k) {
			return false
		}
	}
	return true
}

// olderOrSame reports whether every revision of a is at most b's.
func olderOrSame(a, b [1 + moreCaches]int64) bool {
	for j := range a {
		if a[j] > b[j] {
			return false
		}
	}
	return true
}

// positions returns every cache position of s, controller by controller (its pod cache, then
// the others in watch order), into buf.
func (m *Model) positions(s *State, buf []datastore.Session) []datastore.Session {
	for i := range s.Local {
		buf = append(buf, s.Local[i].Session)
		if m.cfg.Cache == CacheInformer {
			buf = append(buf, s.Local[i].Caches[:len(m.watch[i])]...)
		}
	}
	return buf
}

// setPositions writes back what positions listed, changing the Locals s shares with its parent
// (whose list is parent) on a copy (writable).
func (m *Model) setPositions(s *State, ps []datastore.Session, parent []*Local) {
	for i, l := range s.Local {
		n := 0
		if m.cfg.Cache == CacheInformer {
			n = len(m.watch[i])
		}
		if l.Session != ps[0] || !slices.Equal(l.Caches[:n], ps[1:1+n]) {
			c := writable(s, parent, i)
			c.Session = ps[0]
			copy(c.Caches[:n], ps[1:1+n])
		}
		ps = ps[1+n:]
	}
}

// toRunEnds moves each cache of s to the end of its run (runEnd): under CacheInformer where
// writes land on the latest revision. Locals s shares with its parent change on a copy.
func (m *Model) toRunEnds(s *State, parent []*Local) {
	for i, l := range s.Local {
		session, caches := l.Session, l.Caches
		if session > 0 {
			session = datastore.Session(runEnd(s.Store, int64(session), cluster.KindPod))
		}
		for j, k := range m.watch[i] {
			if caches[j] > 0 {
				caches[j] = datastore.Session(runEnd(s.Store, int64(caches[j]), k))
			}
		}
		if session != l.Session || caches != l.Caches {
			c := writable(s, parent, i)
			c.Session, c.Caches = session, caches
		}
	}
}

// formatReads says what a step read: "read revision 4 (2 behind latest)" under CacheSnapshot
// or when every cache read one revision; otherwise each cache, grouped by revision: "read
// pods at revision 4 (2 behind latest), jobs and nodes at revision 6 (latest)".
func formatReads(r Reads, latest int64) string {
	at := func(rev int64) string {
		if behind := latest - rev; behind > 0 {
			return fmt.Sprintf("revision %d (%d behind latest)", rev, behind)
		}
		return fmt.Sprintf("revision %d (latest)", rev)
	}
	var revs []int64
	for _, x := range r.Rev {
		if !slices.Contains(revs, x) {
			revs = append(revs, x)
		}
	}
	if len(revs) == 1 {
		return "read " + at(revs[0])
	}
	var parts []string
	for _, rev := range revs {
		var names []string
		for j, k := range r.Kind {
			if r.Rev[j] == rev {
				names = append(names, k.Resource())
			}
		}
		list := names[0]
		if len(names) > 1 {
			list = strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
		}
		parts = append(parts, list+" at "+at(rev))
	}
	return "read " + strings.Join(parts, ", ")
}

// cachePositions says where each cache of controller i stands, kind by kind: "pods rev 4,
// jobs rev 6" (the revision it last read, Local.LastRead; "-" for a cache that has not read,
// "restarted" for one re-listing).
func (m *Model) cachePositions(i int, l Local) string {
	at := func(s datastore.Session, read int64) string {
		switch {
		case s == datastore.SessionReset:
			return "restarted"
		case s <= 0:
			return "-"
		}
		return fmt.Sprintf("rev %d", read)
	}
	kinds := append([]cluster.Kind{cluster.KindPod}, m.watch[i]...)
	pos := append([]datastore.Session{l.Session}, l.Caches[:len(m.watch[i])]...)
	var parts []string
	for x := range kinds {
		parts = append(parts, kinds[x].Resource()+" "+at(pos[x], l.LastRead[x]))
	}
	return strings.Join(parts, ", ")
}

// readOf says what controller i with local state l last read: "rev 4" (Local.LastRead; under
// CacheInformer, each cache: cachePositions), "restarted", or "-" before its first read.
func (m *Model) readOf(i int, l Local) string {
	switch {
	case l.Session == datastore.SessionReset:
		return "restarted"
	case l.Session <= 0:
		return "-"
	case len(m.watch[i]) > 0:
		return m.cachePositions(i, l)
	}
	return fmt.Sprintf("rev %d", l.LastRead[0])
}
