package orchestration

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

// maxSymmetricNodes bounds the nodes whose permutations Representative tries (n! of them).
const maxSymmetricNodes = 4

// nodeSymmetry is the model's symmetry under renaming its nodes: every permutation of the
// kubelets, with the nodes' names carried along in every object (Node names, pods' spec.nodeName,
// a scheduler's assumed pods, tombstones). It exists when the configuration treats the nodes
// alike (nodeSymmetric).
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
		sym.names = append(sym.names, k.Name)
		if !bytes.Equal(anonymous(k), want) {
			return nil
		}
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
var renamedSlot = cluster.NewMemoSlot()

// rename returns the name node name gets under permutation k, or name if it names no node.
func (sym *nodeSymmetry) rename(name string, k int) string {
	if i := slices.Index(sym.names, name); i >= 0 {
		return sym.names[sym.perms[k][i]]
	}
	return name
}

// snapshot returns c with its nodes renamed by permutation k (c itself if nothing changes).
func (sym *nodeSymmetry) snapshot(c *cluster.Cluster, k int) *cluster.Cluster {
	all := c.Memo(renamedSlot, func() any {
		out := make([]*cluster.Cluster, len(sym.perms))
		for k := range sym.perms {
			objs := slices.Clone(c.Objects())
			changed := false
			for i, o := range objs {
				if r := sym.object(o, k); r != o {
					objs[i], changed = r, true
				}
			}
			if !changed {
				out[k] = c
				continue
			}
			out[k] = cluster.New(objs...)
		}
		return out
	}).([]*cluster.Cluster)
	return all[k]
}

// renamedObject is an object under each node permutation of sym, by index.
type renamedObject struct {
	sym  *nodeSymmetry
	objs []cluster.Object
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
	if !slices.Contains(sym.names, node) {
		return o
	}
	facts := static(o)
	if r := facts.renamed.Load(); r != nil && r.sym == sym {
		return r.objs[k]
	}
	r := &renamedObject{sym: sym, objs: make([]cluster.Object, len(sym.perms))}
	for k := range sym.perms {
		to := sym.rename(node, k)
		if to == node {
			r.objs[k] = o
			continue
		}
		c := o.DeepCopy()
		switch x := c.(type) {
		case *cluster.Node:
			x.Name = to
		case *cluster.Pod:
			x.Spec.NodeName = to
		}
		r.objs[k] = c
	}
	for {
		cur := facts.renamed.Load()
		if cur != nil && cur.sym == sym {
			return cur.objs[k] // another goroutine kept its copies first
		}
		if facts.renamed.CompareAndSwap(cur, r) {
			return r.objs[k]
		}
	}
}

// permute returns s with its nodes renamed by permutation k: every retained revision, the
// tombstones, the kubelets' local states moved to their node's new place, and the schedulers'
// assumed pods.
func (m *Model) permute(s State, k int) State {
	sym := m.nodes
	perm := sym.perms[k]
	out := State{Broken: s.Broken, Local: slices.Clone(s.Local)}
	out.Store.History = make([]datastore.Revision, len(s.Store.History))
	for i, r := range s.Store.History {
		r.Cluster = sym.snapshot(r.Cluster, k)
		if len(r.Gone) > 0 {
			r.Gone = slices.Clone(r.Gone)
			for j, t := range r.Gone {
				if t.Kind == cluster.KindNode {
					r.Gone[j].Name = sym.rename(t.Name, k)
				}
			}
		}
		out.Store.History[i] = r
	}
	for i, to := range perm {
		out.Local[to] = s.Local[i]
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
// permutation: the same least encoding. When the signatures differ, one permutation orders
// them and nothing is encoded.
func (m *Model) canonicalNodes(s State) State {
	sym := m.nodes
	sigs := make([]string, len(sym.names))
	latest := s.Store.Latest().Cluster
	for i := range sigs {
		sigs[i] = m.nodeSignature(s, latest, i)
	}
	var best State
	var enc, buf []byte
	found := false
	for k, perm := range sym.perms {
		if !orders(perm, sigs) {
			continue
		}
		t := s
		if k > 0 {
			t = m.sortReplicas(m.permute(s, k))
		}
		if !found {
			best, found = t, true
			continue
		}
		if enc == nil {
			enc = m.Encode(nil, best)
		}
		buf = m.Encode(buf[:0], t)
		if bytes.Compare(buf, enc) < 0 {
			best, enc = t, append(enc[:0], buf...)
		}
	}
	return best
}

// orders reports whether moving kubelet i to perm[i] lists the signatures in order.
func orders(perm []int, sigs []string) bool {
	for i := range perm {
		for j := range perm {
			if perm[i] < perm[j] && sigs[i] > sigs[j] {
				return false
			}
		}
	}
	return true
}

// nodeSignature is what tells kubelet i's node apart from the others in s, written without
// its name and as the encoding writes it (sessions as positions in the history, no UIDs, no
// revision numbers), so that states the encoding identifies have the same signatures: the
// kubelet's local state, its Node object in the latest revision and the names of the pods
// bound to it there. Renaming nodes moves signatures with their kubelets.
func (m *Model) nodeSignature(s State, latest *cluster.Cluster, i int) string {
	var e encoder
	e.history = s.Store
	e.local(s.Local[i], len(m.watch[i]), false)
	name := m.nodes.names[i]
	if n := latest.Node(name); n != nil {
		e.bool(true)
		e.buf = append(e.buf, static(n).encoding...)
	} else {
		e.bool(false)
	}
	for _, p := range latest.Pods() {
		if p.Spec.NodeName == name {
			e.str(p.Name)
		}
	}
	return string(e.buf)
}
