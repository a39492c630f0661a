package orchestration

import (
	"reflect"
	"strings"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
)

// EncodingCache turns the cache of objects' static encodings on and off (for the tests that
// compare the two).
var EncodingCache = &encodingCache

// WriteMemo turns the datastore's memo of writes on and off for the models New builds next.
var WriteMemo = &writeMemo

// Recycling turns the reuse of dropped successors' memory (Model.Recycle) on and off.
var Recycling = &recycling

// Released reports whether the memory newLocals allocated for s was given back, zeroed
// (Recycle, or a disabled action).
func Released(s State) bool { return s.locals != nil && reflect.ValueOf(*s.locals).IsZero() }

// MovedLocals returns how many Locals of s are copies in its block of moved copies
// (writable), and whether that block is zero (after Recycle); n is 0 when s has no block.
func MovedLocals(s State) (n int, zero func() bool) {
	if s.locals == nil || s.locals.moved == nil {
		return 0, nil
	}
	mv := s.locals.moved
	for _, l := range s.Local {
		for i := range mv.local {
			if l == &mv.local[i] {
				n++
			}
		}
	}
	return n, func() bool { return reflect.ValueOf(*mv).IsZero() }
}

// InlineLocals is how many controllers' successors keep their list with the acting controller's
// Local (0: always apart).
var InlineLocals = &inlineLocals

// StatusMonitor runs the monitor on the accepted write w of a controller of kind k that read
// view, from state s.
func (m *Model) StatusMonitor(k ControllerKind, view *cluster.Cluster, s State, w datastore.Write) Monitor {
	return m.monitor(k, view, s, s, effect{intent: controllers.Intent{Write: &w}, wrote: true, outcome: datastore.Outcome{Code: 200}})
}

// StepIntentWrite returns the controller kind's name and the write of step a in s (nil for none).
func (m *Model) StepIntentWrite(s State, a Action) (string, *datastore.Write) {
	if a.Kind != Step {
		return "", nil
	}
	in := m.intents(a.Ctrl, a.Read, m.view(a.Ctrl, s.Store, a.Read, a.Caches), *s.Local[a.Ctrl], s.Store.Latest().Cluster)[a.Item]
	name := m.ctrls[a.Ctrl].Name
	if m.ctrls[a.Ctrl].Kind == KubeletKind {
		name = "kubelet"
	} else if i := strings.LastIndex(name, "-"); i > 0 {
		name = name[:i]
	}
	return name, in.Write
}

// StepView is the view step a reads in s (its caches' kinds composed).
func (m *Model) StepView(s State, a Action) *cluster.Cluster {
	return m.view(a.Ctrl, s.Store, a.Read, a.Caches)
}

// ControllerName is controller i's name.
func (m *Model) ControllerName(i int) string { return m.ctrls[i].Name }

// Watched lists the kinds controller i reads: pods and those it watches (Model.watches).
func (m *Model) Watched(i int) []cluster.Kind {
	return append([]cluster.Kind{cluster.KindPod}, m.watches(m.ctrls[i].Kind)...)
}

// ReconcileSignatures are the signatures of controller i's intents on view v with local state
// loc (its reconcile, not memoised).
func (m *Model) ReconcileSignatures(i int, v *cluster.Cluster, loc Local) []string {
	var out []string
	for _, in := range m.reconcile(i, v, loc) {
		out = append(out, m.signature(in, v))
	}
	return out
}

// NoCacheReductions turns off the reductions of CacheInformer (reads grouped by their kind's
// objects, caches moved to the end of their run), for the differential tests.
func (m *Model) NoCacheReductions() { m.noCacheRuns = true }

// ReadOf is the READ column of controller i with local state l in the state table.
func (m *Model) ReadOf(i int, l Local) string { return m.readOf(i, l) }

// NodePermutations is how many node permutations the model's symmetry has (the identity
// first), 0 when its nodes are not interchangeable.
func (m *Model) NodePermutations() int {
	if m.nodes == nil {
		return 0
	}
	return len(m.nodes.perms)
}

// PermuteNodes is s with its nodes renamed by permutation k.
func (m *Model) PermuteNodes(s State, k int) State { return m.permute(s, k) }

// NodeSignatures are the kubelets' signatures in s (nodeSignature).
func (m *Model) NodeSignatures(s State) []string {
	latest := s.Store.Latest().Cluster
	out := make([]string, len(m.nodes.names))
	for i := range out {
		out[i] = string(m.nodeSignature(nil, s, latest, i))
	}
	return out
}

// HasReplicas reports whether the model runs its controllers in more than one replica.
func (m *Model) HasReplicas() bool { return m.cfg.Replicas > 1 }

// Identity is the identity permutation of the model's controllers.
func (m *Model) Identity() []int {
	p := make([]int, len(m.ctrls))
	for i := range p {
		p[i] = i
	}
	return p
}
