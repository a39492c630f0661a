// Package oracle runs upstream Kubernetes controllers (k8s.io/kubernetes v1.34.3) on views of
// the model and compares what they write with what the model's controllers intend on the same
// view.
//
// A view is a *cluster.Cluster (what a controller reads). Upstream's side: a fresh controller
// (no expectations, as after a restart) whose informer caches hold the view's objects, converted
// by package convert, and a fake clientset holding the same objects; one sync of one key; the
// writes are the fake clientset's recorded create, update, patch and delete actions. The
// model's side: the controller's Reconcile on the same view, without its expectations gate.
//
// Upstream makes every write a sync needs in one sync, in phases (for a ReplicaSet: adopt and
// release pods, then create or delete pods, then write the status); the model makes one write
// per step. A view agrees when both write nothing, or when the model's write is one of the
// writes of upstream's first phase that has any (Compare).
package oracle

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
)

// Write is one write, as a comparable signature: verb ("create", "update", "update/status",
// "patch", "delete", "bind"), resource ("pods", "replicasets", ...), name (for a create with
// generateName: the prefix and "*"), and Detail, the content compared (a created object's
// fields the model has, a status, a patch's change), empty where the name says it all.
type Write struct {
	Verb, Resource, Name, Detail string
}

func (w Write) String() string {
	s := w.Verb + " " + w.Resource + "/" + w.Name
	if w.Detail != "" {
		s += " {" + w.Detail + "}"
	}
	return s
}

// Kind is the write's verb and resource: "create pods".
func (w Write) Kind() string { return w.Verb + " " + w.Resource }

// Phase is a group of upstream writes made by one step of a sync (all pod creates, or all
// deletes, of manageReplicas), in which the model's one write may be any.
type Phase []Write

// Outcome is the comparison of one view.
type Outcome struct {
	Model    *Write  // nil: the model writes nothing
	Upstream []Phase // upstream's writes by phase, empty phases dropped
	Agree    bool
	// Tie marks an agreement where the model writes to another pod than upstream did, of the
	// same rank in upstream's order (whose choice among them is arbitrary).
	Tie bool
	// LeftOut counts upstream writes the comparison leaves out as a documented omission of
	// the model (pod GC's status patches before its deletes).
	LeftOut int
	// Deviation, when they disagree, names the kind of difference: "model: create pods;
	// upstream: nothing", "update/status replicasets: readyReplicas", ...
	Deviation string
}

// Runs groups upstream's writes, in the order made, into runs of the same kind: each run is a
// phase (the creates of manageReplicas, the deletes that follow, the status update).
func Runs(ws []Write) []Phase { return RunsOf(ws, nil) }

// RunsOf is Runs where kinds that together says go together (made by the same concurrent
// batch, in any order) share a run.
func RunsOf(ws []Write, together func(a, b string) bool) []Phase {
	var out []Phase
	for _, w := range ws {
		if n := len(out); n > 0 && (out[n-1][0].Kind() == w.Kind() || together != nil && together(out[n-1][0].Kind(), w.Kind())) {
			out[n-1] = append(out[n-1], w)
			continue
		}
		out = append(out, Phase{w})
	}
	return out
}

// sorted is p in a fixed order (writes made by concurrent goroutines come in any order).
func sorted(p Phase) Phase {
	sort.Slice(p, func(i, j int) bool { return p[i].String() < p[j].String() })
	return p
}

// Compare decides a view: both write nothing, or the model's write is among the writes of
// upstream's first phase.
//
// before, if not nil, gives the detail of a write's object as the view has it (false if it has
// none), to name the fields upstream changes where the model writes nothing.
func Compare(model *Write, upstream []Phase, before func(Write) (string, bool)) Outcome {
	var ph []Phase
	for _, p := range upstream {
		if len(p) > 0 {
			ph = append(ph, sorted(append(Phase(nil), p...))) // a phase is a set
		}
	}
	o := Outcome{Model: model, Upstream: ph}
	switch {
	case model == nil && len(ph) == 0:
		o.Agree = true
	case model == nil:
		o.Deviation = "model: nothing; upstream: " + ph[0].kinds()
		if before != nil {
			if d, ok := before(ph[0][0]); ok {
				if f := fieldsDiffering(d, ph[0][0].Detail); f != "detail" {
					o.Deviation += " (" + f + ")"
				} else {
					o.Deviation += " (only what is not compared)"
				}
			}
		}
	case len(ph) == 0:
		o.Deviation = "model: " + model.Kind() + "; upstream: nothing"
	default:
		first := ph[0]
		for _, w := range first {
			if w == *model {
				o.Agree = true
				return o
			}
		}
		var same []Write
		for _, w := range first {
			if w.Kind() == model.Kind() {
				same = append(same, w)
			}
		}
		switch {
		case len(same) == 0:
			o.Deviation = "model: " + model.Kind() + "; upstream: " + first.kinds()
		case !sameNames(same, model.Name):
			o.Deviation = model.Kind() + ": another object"
		default:
			for _, w := range same {
				if w.Name == model.Name {
					o.Deviation = model.Kind() + ": " + fieldsDiffering(model.Detail, w.Detail)
					break
				}
			}
		}
	}
	return o
}

// kinds names the kinds of a phase's writes, sorted: "delete pods, patch pods".
func (p Phase) kinds() string {
	var ks []string
	for _, w := range p {
		if !slices.Contains(ks, w.Kind()) {
			ks = append(ks, w.Kind())
		}
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

func sameNames(ws []Write, name string) bool {
	for _, w := range ws {
		if w.Name == name {
			return true
		}
	}
	return false
}

// fieldsDiffering names the fields of two details ("a=1 b=2") whose values differ.
func fieldsDiffering(a, b string) string {
	fa, fb := fields(a), fields(b)
	var keys []string
	for k, v := range fa {
		if fb[k] != v {
			keys = append(keys, k)
		}
	}
	for k := range fb {
		if _, ok := fa[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return "detail"
	}
	return strings.Join(keys, ",")
}

func fields(d string) map[string]string {
	m := map[string]string{}
	for _, f := range strings.Fields(d) {
		k, v, _ := strings.Cut(f, "=")
		m[k] = v
	}
	return m
}

// detail writes key=value pairs in the order given, leaving out empty values.
func detail(kv ...any) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		v := fmt.Sprint(kv[i+1])
		if v == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%v=%s", kv[i], strings.ReplaceAll(v, " ", "_"))
	}
	return b.String()
}

// modelWrite is the model controller's write for the object kind/name of view v: its first
// intent's write on the view without the other objects of that kind (a sync reads only its
// own), nil for none. The model's workload controllers skip a terminating object (upstream
// still syncs it: the built-in scenarios never delete a workload, and a view with one would
// show the difference).
func modelWrite(v *cluster.Cluster, kind cluster.Kind, name string, reconcile func(*cluster.Cluster) []controllers.Intent) *datastore.Write {
	own := v
	for _, o := range v.OfKind(kind) {
		if o.Meta().Name != name {
			own = own.Without(kind, o.Meta().Name)
		} else if o.Meta().Terminating() {
			return nil
		}
	}
	if ins := reconcile(own); len(ins) > 0 {
		return ins[0].Write
	}
	return nil
}
