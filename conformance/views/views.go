// Package views collects the views the oracles compare on: every cluster snapshot that the
// model's built-in scenarios reach (breadth-first, to a bound per scenario and consistency
// level), and random mutations of them.
package views

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
	"github.com/themelios/themelios/models/orchestration"
	"github.com/themelios/themelios/models/scenario"
)

// View is a cluster snapshot and where it was first reached.
type View struct {
	Cluster *cluster.Cluster
	From    string // "scenario level", or "mutation of" that
}

// Reachable returns the distinct snapshots the built-in scenarios' states retain (the latest
// revision and every older one a controller may read), exploring at most perCheck states of
// each scenario under each consistency level, in breadth-first order; keep selects the
// snapshots to return. Deterministic: the same bound gives the same views in the same order.
func Reachable(perCheck int, keep func(*cluster.Cluster) bool) ([]View, error) {
	var out []View
	seen := map[string]bool{}
	for _, b := range scenario.Builtins() {
		for _, level := range datastore.Levels() {
			m, err := build(b, "consistency="+level.String())
			if err != nil {
				return nil, err
			}
			from := b.Name + " " + level.String()
			explore(m, perCheck, func(c *cluster.Cluster) {
				if !keep(c) {
					return
				}
				k := Key(c)
				if !seen[k] {
					seen[k] = true
					out = append(out, View{Cluster: c, From: from})
				}
			})
		}
	}
	return out, nil
}

// Model builds the model of built-in scenario name with settings sets ("key=value", as
// `--set` takes them).
func Model(name string, sets ...string) (*orchestration.Model, error) {
	for _, b := range scenario.Builtins() {
		if b.Name == name {
			return build(b, sets...)
		}
	}
	return nil, fmt.Errorf("no built-in scenario %s", name)
}

func build(b scenario.Builtin, sets ...string) (*orchestration.Model, error) {
	set := b.Settings
	for _, kv := range sets {
		k, v, _ := strings.Cut(kv, "=")
		if err := set.Set(k, v); err != nil {
			return nil, fmt.Errorf("%s: %v", b.Name, err)
		}
	}
	cfg, err := b.Config(set)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", b.Name, err)
	}
	return orchestration.New(cfg)
}

// explore visits the snapshots retained by at most max states of m (one per orbit of its
// symmetry), breadth first.
func explore(m *orchestration.Model, max int, visit func(*cluster.Cluster)) {
	states := map[string]bool{}
	var queue []orchestration.State
	var buf []byte
	push := func(s orchestration.State) {
		buf = m.Encode(buf[:0], m.Representative(s)) // one state per orbit: a mirrored state adds no view
		if len(states) >= max || states[string(buf)] {
			return
		}
		states[string(buf)] = true
		queue = append(queue, s)
		for _, r := range s.Store.History {
			visit(r.Cluster)
		}
	}
	for _, s := range m.Init() {
		push(s)
	}
	var acts []orchestration.Action
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		acts = m.Actions(s, acts[:0])
		for _, a := range acts {
			if n, ok := m.Next(s, a); ok {
				push(n)
			}
		}
	}
}

// Key is a snapshot's content, for telling distinct snapshots apart.
func Key(c *cluster.Cluster) string {
	b, err := json.Marshal(c.Objects())
	if err != nil {
		panic(err) // the model's objects are plain data
	}
	return string(b)
}

// Mutations returns n random mutations of views (seeded): each takes one view and changes one
// node (cordoned, not ready, tainted, or with little room), one pod (its phase and readiness,
// its node, its labels, its owner, marks it terminating, or adds a later copy of it), or a
// workload's spec.replicas. Mutations equal to a
// view already listed are left out.
func Mutations(vs []View, n int, seed uint64) []View {
	r := rand.New(rand.NewPCG(seed, 0x7e3e))
	seen := map[string]bool{}
	for _, v := range vs {
		seen[Key(v.Cluster)] = true
	}
	var out []View
	for tries := 0; len(out) < n && tries < 20*n && len(vs) > 0; tries++ {
		v := vs[r.IntN(len(vs))]
		c, ok := mutate(v.Cluster, r)
		if !ok {
			continue
		}
		if k := Key(c); !seen[k] {
			seen[k] = true
			out = append(out, View{Cluster: c, From: "mutation of " + v.From})
		}
	}
	return out
}

func mutate(c *cluster.Cluster, r *rand.Rand) (*cluster.Cluster, bool) {
	pods := c.Pods()
	nodes := c.Nodes()
	if len(nodes) > 0 && r.IntN(6) == 0 {
		// A node: cordoned, not ready, tainted, or with little room.
		n := nodes[r.IntN(len(nodes))].DeepCopy().(*cluster.Node)
		switch r.IntN(4) {
		case 0:
			n.Spec.Unschedulable = !n.Spec.Unschedulable
		case 1:
			n.Status.Ready = !n.Status.Ready
		case 2:
			n.Spec.Taints = append(n.Spec.Taints, cluster.Taint{Key: "dedicated", Value: "db", Effect: "NoSchedule"})
		case 3:
			n.Status.AllocatableCPU, n.Status.AllocatablePods = int64(500*r.IntN(3)), int64(r.IntN(3))
		}
		return c.With(n), true
	}
	if len(pods) == 0 || r.IntN(5) == 0 {
		// A workload's replicas.
		var ws []cluster.Object
		for _, o := range c.Objects() {
			switch o.Kind() {
			case cluster.KindReplicaSet, cluster.KindStatefulSet, cluster.KindDeployment:
				ws = append(ws, o)
			}
		}
		if len(ws) == 0 {
			return nil, false
		}
		o := ws[r.IntN(len(ws))].DeepCopy()
		n := int64(r.IntN(4))
		switch o := o.(type) {
		case *cluster.ReplicaSet:
			o.Spec.Replicas = n
		case *cluster.StatefulSet:
			o.Spec.Replicas = n
		case *cluster.Deployment:
			o.Spec.Replicas = n
		}
		o.Meta().Generation++
		return c.With(o), true
	}
	p := pods[r.IntN(len(pods))].DeepCopy().(*cluster.Pod)
	switch r.IntN(6) {
	case 0:
		phases := []cluster.PodPhase{cluster.PodPending, cluster.PodRunning, cluster.PodSucceeded, cluster.PodFailed}
		p.Status.Phase = phases[r.IntN(len(phases))]
		p.Status.Ready = p.Status.Phase == cluster.PodRunning && r.IntN(2) == 0
	case 1:
		if len(nodes) == 0 {
			return nil, false
		}
		p.Spec.NodeName = nodes[r.IntN(len(nodes))].Name
	case 2:
		if len(p.Labels) == 0 {
			return nil, false
		}
		p.Labels = p.Labels.With(p.Labels[0].Key, "other")
	case 3:
		p.OwnerReferences = nil
	case 4:
		if p.DeletionTimestamp != 0 {
			return nil, false
		}
		p.DeletionTimestamp = p.CreationRevision + 1
	case 5:
		// Another pod like it, created later (a duplicate a lagging view would not have).
		q := p.DeepCopy().(*cluster.Pod)
		q.Name += "-x"
		q.UID += 1 << 20
		q.CreationRevision++
		if c.Get(cluster.KindPod, q.Name) != nil {
			return nil, false
		}
		return c.With(q), true
	}
	return c.With(p), true
}
