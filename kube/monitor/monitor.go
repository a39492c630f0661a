// Package monitor watches a live cluster and judges every observed change against the model's
// safety properties that the API shows (orchestration.Observer): runtime verification of the
// properties the checker explores.
//
// Informers deliver each kind in the order of its resourceVersions, but the kinds apart. The
// monitor puts the changes back into one history: it holds each change for a settling delay
// and then takes the changes it holds in resourceVersion order (etcd's revisions order every
// write of the cluster). A delete event carries the revision of the delete. A change that
// arrives later than the delay after a later revision was taken is judged late, against the
// cluster as it is then, and counted (Late).
//
// Its JSON lines (Config.JSON) are a contract: docs/cli.md.
package monitor

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"

	"github.com/themelios/themelios/kube/adapter"
	"github.com/themelios/themelios/kube/convert"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/orchestration"
)

// Ref is an object as the monitor saw it.
type Ref struct {
	Kind            string `json:"kind"`
	Name            string `json:"name"`
	ResourceVersion int64  `json:"resourceVersion"`
	Detail          string `json:"detail,omitempty"` // what the property looks at: "spec.replicas=3", "Running", ...
}

// Violation is a property broken by an observed change.
type Violation struct {
	Property string `json:"property"`
	Doc      string `json:"doc"`
	Revision int64  `json:"revision"` // of the change
	Change   string `json:"change"`   // "create pod web-x7k2p", ...
	Objects  []Ref  `json:"objects"`  // the changed object, its controller, the controller's pods
}

// Config is what a monitor watches and how it reports.
type Config struct {
	Namespace string
	Settle    time.Duration // the settling delay (0: 1 s)
	JSON      bool          // one JSON object per line, not sentences
	Out       io.Writer
}

// Summary is what a monitor observed, when it stops.
type Summary struct {
	Changes    int         `json:"changes"`
	Late       int         `json:"late"`
	Violations []Violation `json:"violations"`
	Properties []string    `json:"properties"`
}

type change struct {
	rev     int64
	kind    cluster.Kind
	obj     runtime.Object
	deleted bool
	at      time.Time
}

// Run watches the cluster of cs until ctx is done and returns what it observed.
func Run(ctx context.Context, cs kubernetes.Interface, cfg Config) (Summary, error) {
	if cfg.Settle == 0 {
		cfg.Settle = time.Second
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	ids := convert.NewIdentities()
	c := adapter.NewCache(cs, cfg.Namespace, ids)
	var mu sync.Mutex
	var pending []change
	c.OnChange(func(k cluster.Kind, obj runtime.Object, deleted bool) {
		m, err := meta.Accessor(obj)
		if err != nil {
			return
		}
		rv, _ := convert.ParseResourceVersion(m.GetResourceVersion())
		mu.Lock()
		pending = append(pending, change{rev: rv, kind: k, obj: obj, deleted: deleted, at: time.Now()})
		mu.Unlock()
	})
	watchCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := c.Start(watchCtx); err != nil {
		c.Shutdown()
		if ctx.Err() != nil {
			return Summary{}, nil // interrupted before the informers synced
		}
		return Summary{}, err
	}
	defer c.Shutdown()
	// The cluster as the informers listed it is the initial state. A change whose event the
	// handlers had delivered before it was read (seen) is in it; a later one may be too (the
	// store is updated before the handlers run), which its resourceVersion tells.
	seen := map[cluster.Kind]int64{}
	for _, k := range adapter.Kinds {
		seen[k] = c.Seen(k)
	}
	initial, rev, err := c.View()
	if err != nil {
		return Summary{}, err
	}
	v := &verifier{cfg: cfg, ids: ids, seen: seen}
	v.start(initial, rev)
	tick := time.NewTicker(cfg.Settle / 4)
	defer tick.Stop()
	for {
		done := ctx.Err() != nil
		mu.Lock()
		sort.SliceStable(pending, func(i, j int) bool { return pending[i].rev < pending[j].rev })
		cut := len(pending)
		if !done {
			// Everything up to the last settled change's revision is taken, in order.
			cut = 0
			for i, p := range pending {
				if time.Since(p.at) >= cfg.Settle {
					cut = i + 1
				}
			}
		}
		batch := slices.Clone(pending[:cut])
		pending = pending[cut:]
		mu.Unlock()
		for _, ch := range batch {
			v.observe(ch)
		}
		if done {
			return v.summary(), nil
		}
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
}

// verifier keeps the observer and reports.
type verifier struct {
	cfg     Config
	ids     *convert.Identities
	o       *orchestration.Observer
	initial *cluster.Cluster
	seen    map[cluster.Kind]int64 // per kind, the revision delivered when initial was read
	docs    map[string]string
	last    int64
	changes int
	late    int
	found   []Violation
}

func (v *verifier) start(c *cluster.Cluster, rev int64) {
	v.initial, v.last = c, rev
	v.o = orchestration.NewObserver(c, v.last)
	v.docs = map[string]string{}
	var names []string
	for _, p := range v.o.Properties() {
		v.docs[p.Name] = p.Doc
		names = append(names, p.Name)
	}
	if v.cfg.JSON {
		b, _ := json.Marshal(map[string]any{"start": map[string]any{"namespace": v.cfg.Namespace, "revision": v.last, "objects": len(c.Objects()), "properties": names}})
		fmt.Fprintln(v.cfg.Out, string(b))
	} else {
		fmt.Fprintf(v.cfg.Out, "watching namespace %s from revision %d (%d objects): %d properties\n", v.cfg.Namespace, v.last, len(c.Objects()), len(names))
		for _, n := range names {
			fmt.Fprintf(v.cfg.Out, "  %s\n", n)
		}
		for _, f := range v.o.Failing() {
			fmt.Fprintf(v.cfg.Out, "already failing at the start: %s\n", f)
		}
	}
}

func (v *verifier) observe(ch change) {
	mo, err := convert.ModelObject(ch.obj, v.ids)
	if err != nil {
		fmt.Fprintf(v.cfg.Out, "skipped a change: %v\n", err)
		return
	}
	if ch.rev <= v.seen[ch.kind] {
		return // delivered before the initial state was read, which shows it
	}
	if o := v.initial.Get(mo.Kind(), mo.Meta().Name); o != nil && o.Meta().ResourceVersion >= ch.rev {
		return // the initial state shows it already
	}
	v.changes++
	if ch.rev < v.last {
		v.late++
	}
	v.last = max(v.last, ch.rev)
	before := v.o.Latest()
	broken := v.o.Observe(ch.rev, mo, ch.deleted)
	for _, name := range broken {
		viol := Violation{Property: name, Doc: v.docs[name], Revision: ch.rev, Change: describe(before, mo, ch.deleted), Objects: involved(before, v.o.Latest(), mo)}
		v.found = append(v.found, viol)
		v.report(viol)
	}
}

func (v *verifier) report(viol Violation) {
	if v.cfg.JSON {
		b, _ := json.Marshal(viol)
		fmt.Fprintln(v.cfg.Out, string(b))
		return
	}
	var objs []string
	for _, r := range viol.Objects {
		s := fmt.Sprintf("%s %s (resourceVersion %d", strings.ToLower(r.Kind), r.Name, r.ResourceVersion)
		if r.Detail != "" {
			s += ", " + r.Detail
		}
		objs = append(objs, s+")")
	}
	fmt.Fprintf(v.cfg.Out, "VIOLATION at revision %d: %s\n  change: %s\n  objects: %s\n", viol.Revision, viol.Property, viol.Change, strings.Join(objs, "; "))
}

func (v *verifier) summary() Summary {
	s := Summary{Changes: v.changes, Late: v.late, Violations: v.found}
	if v.o != nil {
		for _, p := range v.o.Properties() {
			s.Properties = append(s.Properties, p.Name)
		}
	}
	if v.cfg.JSON {
		b, _ := json.Marshal(map[string]any{"summary": s})
		fmt.Fprintln(v.cfg.Out, string(b))
	} else {
		fmt.Fprintf(v.cfg.Out, "observed %d changes (%d late), %d violations\n", s.Changes, s.Late, len(s.Violations))
	}
	return s
}

// describe words the write a change is taken as.
func describe(before *cluster.Cluster, o cluster.Object, deleted bool) string {
	kind := strings.ToLower(o.Kind().String())
	old := before.Get(o.Kind(), o.Meta().Name)
	switch {
	case old == nil && !deleted:
		return "create " + kind + " " + o.Meta().Name
	case deleted && old != nil && old.Meta().Terminating():
		return "removal of " + kind + " " + o.Meta().Name
	case deleted || o.Meta().Terminating() && old != nil && !old.Meta().Terminating():
		return "delete " + kind + " " + o.Meta().Name
	}
	return "update " + kind + " " + o.Meta().Name
}

// involved lists the changed object, its controller and the controller's pods, as the cluster
// was before the change (the changed object: after it).
func involved(before, after *cluster.Cluster, o cluster.Object) []Ref {
	out := []Ref{ref(o)}
	owner, ok := o.Meta().ControllerRef()
	if !ok {
		return out
	}
	if x := before.Get(owner.Kind, owner.Name); x != nil {
		out = append(out, ref(x))
	}
	for _, p := range before.Pods() {
		if r, ok := p.ControllerRef(); ok && r.UID == owner.UID && p.Name != o.Meta().Name {
			out = append(out, ref(p))
		}
	}
	return out
}

func ref(o cluster.Object) Ref {
	r := Ref{Kind: o.Kind().String(), Name: o.Meta().Name, ResourceVersion: o.Meta().ResourceVersion}
	switch x := o.(type) {
	case *cluster.Pod:
		r.Detail = string(x.Status.Phase)
		if x.Status.Ready {
			r.Detail += ", ready"
		}
		if x.Terminating() {
			r.Detail += ", terminating"
		}
	case *cluster.ReplicaSet:
		r.Detail = fmt.Sprintf("spec.replicas=%d", x.Spec.Replicas)
	case *cluster.StatefulSet:
		r.Detail = fmt.Sprintf("spec.replicas=%d", x.Spec.Replicas)
	case *cluster.Job:
		r.Detail = fmt.Sprintf("parallelism=%d completions=%d succeeded=%d", x.Spec.Parallelism, x.Spec.Completions, x.Status.Succeeded)
	case *cluster.Deployment:
		r.Detail = fmt.Sprintf("spec.replicas=%d paused=%t", x.Spec.Replicas, x.Spec.Paused)
	}
	return r
}
