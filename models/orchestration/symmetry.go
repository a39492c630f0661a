package orchestration

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

// maxSymmetricNodes bounds the nodes whose permutations Representative tries (n! of them).
const maxSymmetricNodes = 4

// nodeSymmetry is the model's symmetry under renaming its nodes: every permutation of the
// kubelets, with the nodes' names carried along in every object (Node names, pods' spec.nodeName,
// a scheduler's assumed pods, tombstones). It exists when the configuration treats the nodes
// alike (newNodeSymmetry).
type nodeSymmetry struct {
	names []string // the nodes' names, by kubelet (sorted)
	perms [][]int  // every permutation, the identity first: kubelet i becomes kubelet perm[i]
}

// newNodeSymmetry returns the nodes' symmetry of cfg, or nil when the configuration tells its
// nodes apart: fewer than two or more than maxSymmetricNodes kubelets, Node templates that
// differ but for their names and UIDs, some but not all nodes in the initial cluster, or an
// initial object other than a Node that names a node (a pod bound to one, a node selector...).
// Faults, the client and the properties treat every node alike (they quantify over kubelets or
// name workloads only), and the scheduler's tie between equally loaded nodes is a choice
// (controllers.Scheduler).
func newNodeSymmetry(kubelets []*cluster.Node, objects []cluster.Object) *nodeSymmetry {
	n := len(kubelets)
	if n < 2 || n > maxSymmetricNodes {
		return nil
	}
	sym := &nodeSymmetry{}
	anonymous := func(node *cluster.Node) []byte {
		c := node.DeepCopy().(*cluster.Node)
		c.Name, c.UID = "", 0
		b, _ := json.Marshal(c)
		return b
	}
	want := anonymous(kubelets[0])
	for _, k := range kubelets {
		if slices.Contains(sym.names, k.Name) || !bytes.Equal(anonymous(k), want) {
			return nil // two kubelets of one node, or nodes that differ
		}
		sym.names = append(sym.names, k.Name)
	}
	nodes := 0
	for _, o := range objects {
		if node, ok := o.(*cluster.Node); ok {
			if !slices.Contains(sym.names, node.Name) || !bytes.Equal(anonymous(node), want) {
				return nil
			}
			nodes++
			continue
		}
		b, _ := json.Marshal(o)
		for _, name := range sym.names {
			if bytes.Contains(b, []byte(strconv.Quote(name))) {
				return nil
			}
		}
	}
	if nodes != 0 && nodes != n {
		return nil
	}
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	for ok := true; ok; ok = nextPermutation(perm) {
		sym.perms = append(sym.perms, slices.Clone(perm))
	}
	return sym
}

// nextPermutation rearranges p into the next permutation in lexicographic order, reporting
// false after the last.
func nextPermutation(p []int) bool {
	i := len(p) - 2
	for i >= 0 && p[i] >= p[i+1] {
		i--
	}
	if i < 0 {
		return false
	}
	j := len(p) - 1
	for p[j] <= p[i] {
		j--
	}
	p[i], p[j] = p[j], p[i]
	slices.Reverse(p[i+1:])
	return true
}

// renamedSlot keeps, on each snapshot, its copies under the model's node permutations.
var renamedSlot = cluster.NewMemoSlot[renamings]()

// rename returns the name node name gets under permutation k, or name if it names no node.
func (sym *nodeSymmetry) rename(name string, k int) string {
	if i := slices.Index(sym.names, name); i >= 0 {
		return sym.names[sym.perms[k][i]]
	}
	return name
}

// snapshot returns c with its nodes renamed by permutation k (c itself if nothing changes),
// made once per snapshot and permutation and kept with the snapshot.
func (sym *nodeSymmetry) snapshot(c *cluster.Cluster, k int) *cluster.Cluster {
	if k == 0 {
		return c // the identity
	}
	r := cluster.Memo(c, renamedSlot, func() *renamings { return newRenamings(sym) })
	return r.get(sym, k, func() any { return sym.renameSnapshot(c, k) }).(*cluster.Cluster)
}

// renameSnapshot makes c with its nodes renamed by permutation k.
func (sym *nodeSymmetry) renameSnapshot(c *cluster.Cluster, k int) *cluster.Cluster {
	objs := slices.Clone(c.Objects())
	changed := false
	for i, o := range objs {
		if r := sym.object(o, k); r != o {
			objs[i], changed = r, true
		}
	}
	if !changed {
		return c
	}
	return cluster.New(objs...)
}

// renamings are what one value (a snapshot, an object) becomes under each permutation of sym,
// each made when first asked for. The first model's symmetry to ask keeps them; another's are
// made at every call, not kept.
type renamings struct {
	sym *nodeSymmetry
	by  []atomic.Pointer[any]
}

func newRenamings(sym *nodeSymmetry) *renamings {
	return &renamings{sym: sym, by: make([]atomic.Pointer[any], len(sym.perms))}
}

// get returns the value under permutation k of sym, making it with build the first time; under
// contention the first one kept is every caller's.
func (r *renamings) get(sym *nodeSymmetry, k int, build func() any) any {
	if r.sym != sym {
		return build()
	}
	if p := r.by[k].Load(); p != nil {
		return *p
	}
	v := build()
	if r.by[k].CompareAndSwap(nil, &v) {
		return v
	}
	return *r.by[k].Load()
}

// object returns o with its nodes renamed by permutation k: o itself when it names no node, and
// otherwise one copy kept with o, so that a renamed history shares its objects between
// revisions as the history does (cluster.SameKind compares them by identity).
func (sym *nodeSymmetry) object(o cluster.Object, k int) cluster.Object {
	var node string
	switch x := o.(type) {
	case *cluster.Node:
		node = x.Name
	case *cluster.Pod:
		node = x.Spec.NodeName
	default:
		return o
	}
	to := sym.rename(node, k)
	if to == node {
		return o
	}
	rename := func() any {
		c := o.DeepCopy()
		switch x := c.(type) {
		case *cluster.Node:
			x.Name = to
		case *cluster.Pod:
			x.Spec.NodeName = to
		}
		return c
	}
	facts := static(o)
	if facts.renamed.Load() == nil {
		facts.renamed.CompareAndSwap(nil, newRenamings(sym))
	}
	return facts.renamed.Load().get(sym, k, rename).(cluster.Object)
}

// permute returns s with its nodes renamed by permutation k: every retained revision, the
// tombstones, the kubelets' local states moved to their node's new place, and the schedulers'
// assumed pods.
func (m *Model) permute(s State, k int) State {
	return m.permuteAt(s, k, nil)
}

// permuteAt is permute, which also moves at (the controllers whose local states s holds, by
// position; nil for none) with the kubelets.
func (m *Model) permuteAt(s State, k int, at []int) State {
	sym := m.nodes
	perm := sym.perms[k]
	out := State{Broken: s.Broken, Local: slices.Clone(s.Local)}
	out.Store.History = make([]datastore.Revision, len(s.Store.History))
	for i, r := range s.Store.History {
		r.Cluster = sym.snapshot(r.Cluster, k)
		out.Store.History[i] = r
	}
	if len(s.Store.Gone) > 0 {
		out.Store.Gone = slices.Clone(s.Store.Gone)
		for j, t := range out.Store.Gone {
			if t.Kind == cluster.KindNode {
				out.Store.Gone[j].Name = sym.rename(t.Name, k)
			}
		}
	}
	var small [maxSymmetricNodes]int
	kubelets := small[:0]
	if at != nil {
		kubelets = append(kubelets, at[:len(perm)]...)
	}
	for i, to := range perm {
		out.Local[to] = s.Local[i]
		if at != nil {
			at[to] = kubelets[i]
		}
	}
	for i := len(perm); i < len(s.Local); i++ {
		l := s.Local[i]
		if len(l.Scheduler.Assumed) == 0 {
			continue
		}
		c := *l
		c.Scheduler.Assumed = slices.Clone(l.Scheduler.Assumed)
		for j, a := range c.Scheduler.Assumed {
			c.Scheduler.Assumed[j].Node = sym.rename(a.Node, k)
		}
		out.Local[i] = &c
	}
	return out
}

// canonicalNodes returns the representative of s's orbit under the node permutations: among
// the permutations that order the kubelets by their signature (nodeSignature), the one whose
// state encodes least (replicas ordered by sortReplicas in each). Every member of an orbit has
// the same signatures, moved with their kubelets, so the same candidates up to the
// permutation: the same least encoding. The candidates permute only kubelets of equal
// signatures among themselves; when the signatures differ there is one, and nothing is
// encoded.
//
// When at is not nil, it is the controllers whose local states s holds, by position; the
// representative's are returned in at's memory. When it compared encodings (ok), out is enc
// with the representative's encoding appended (Encode's).
func (m *Model) canonicalNodes(s State, at []int, enc []byte) (rep State, perm []int, out []byte, ok bool) {
	sym := m.nodes
	n := len(sym.names)
	// The signatures, written one after the other into one buffer.
	var small [maxSymmetricNodes][]byte
	sigs := small[:n]
	latest := s.Store.Latest().Cluster
	sc := canonScratch.Get().(*canonMemory)
	defer canonScratch.Put(sc)
	sigBuf := sc.sig[:0]
	var ends [maxSymmetricNodes]int
	for i := range sigs {
		sigBuf = m.nodeSignature(sigBuf, s, latest, i)
		ends[i] = len(sigBuf)
	}
	for i := range sigs {
		from := 0
		if i > 0 {
			from = ends[i-1]
		}
		sigs[i] = sigBuf[from:ends[i]]
	}
	var orderMem, placeMem [maxSymmetricNodes]int
	order := orderMem[:n] // the kubelets by signature
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return bytes.Compare(sigs[a], sigs[b]) })
	place := placeMem[:n] // a candidate: kubelet i goes to place[i]
	for j, i := range order {
		place[i] = j
	}
	var best State
	bestEnc, buf := sc.enc[:0], sc.buf[:0]
	haveEnc := false
	var bestAt, tryAt []int
	if at != nil {
		bestAt, tryAt = append(sc.bestAt[:0], at...), append(sc.tryAt[:0], at...)
	}
	found := false
	try := func() {
		k := sym.index(place)
		t := s
		var ta []int
		if at != nil {
			ta = append(tryAt[:0], at...)
		}
		if k > 0 {
			t = m.sortReplicas(m.permuteAt(s, k, ta), ta)
		}
		if !found {
			best, found = t, true
			copy(bestAt, ta)
			return
		}
		if !haveEnc {
			bestEnc, haveEnc = m.Encode(bestEnc[:0], best), true
		}
		buf = m.Encode(buf[:0], t)
		if bytes.Compare(buf, bestEnc) < 0 {
			best, bestEnc = t, append(bestEnc[:0], buf...)
			copy(bestAt, ta)
		}
	}
	// Every assignment of each block of equal signatures to its places.
	var from func(lo int)
	from = func(lo int) {
		if lo == n {
			try()
			return
		}
		hi := lo + 1
		for hi < n && bytes.Equal(sigs[order[hi]], sigs[order[lo]]) {
			hi++
		}
		var placesMem [maxSymmetricNodes]int
		places := placesMem[:hi-lo]
		for x := range places {
			places[x] = lo + x
		}
		for ok := true; ok; ok = nextPermutation(places) {
			for x, j := range places {
				place[order[lo+x]] = j
			}
			from(hi)
		}
	}
	from(0)
	if at != nil {
		copy(at, bestAt)
	}
	sc.enc, sc.buf, sc.sig, sc.bestAt, sc.tryAt = bestEnc, buf, sigBuf, bestAt, tryAt
	if haveEnc {
		enc = append(enc, bestEnc...)
	}
	return best, at, enc, haveEnc
}

// canonMemory is canonicalNodes' scratch memory: the kubelets' signatures, the encodings it
// compares, and the controllers' positions of the best candidate and of the one tried.
type canonMemory struct {
	sig, enc, buf []byte
	bestAt, tryAt []int
}

// canonScratch recycles canonicalNodes' scratch memory across calls (from any goroutine).
var canonScratch = sync.Pool{New: func() any { return &canonMemory{} }}

// index returns the index of perm among sym.perms.
func (sym *nodeSymmetry) index(perm []int) int {
	for k, p := range sym.perms {
		if slices.Equal(p, perm) {
			return k
		}
	}
	panic("orchestration: not a permutation of the nodes")
}

// nodeSignature is what tells kubelet i's node apart from the others in s, written without
// its name and as the encoding writes it (sessions as positions in the history, no UIDs, no
// revision numbers), so that states the encoding identifies have the same signatures: the
// kubelet's local state, its Node object in the latest revision and the names of the pods
// bound to it there. Renaming nodes moves signatures with their kubelets.
//
// It is appended to buf.
func (m *Model) nodeSignature(buf []byte, s State, latest *cluster.Cluster, i int) []byte {
	e := encoder{buf: buf, history: s.Store}
	e.local(s.Local[i], len(m.watch[i]), false)
	name := m.nodes.names[i]
	if n := latest.Node(name); n != nil {
		e.bool(true)
		e.buf = append(e.buf, static(n).encoding...)
	} else {
		e.bool(false)
	}
	for _, o := range latest.Objects() {
		if p, ok := o.(*cluster.Pod); ok && p.Spec.NodeName == name {
			e.str(p.Name)
		}
	}
	return e.buf
}
