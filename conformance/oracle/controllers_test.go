package oracle_test

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/themelios/themelios/conformance/oracle"
	"github.com/themelios/themelios/conformance/views"
	"github.com/themelios/themelios/kube/convert"
	"github.com/themelios/themelios/models/cluster"
)

// each runs sync on every object that list gives of a view, by name.
func each[T cluster.Object](list func(*cluster.Cluster) []T, sync func(*cluster.Cluster, string) (oracle.Outcome, error)) func(*cluster.Cluster) ([]oracle.Outcome, error) {
	return func(v *cluster.Cluster) ([]oracle.Outcome, error) {
		var out []oracle.Outcome
		for _, o := range list(v) {
			r, err := sync(v, o.Meta().Name)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, nil
	}
}

// report is one controller's comparison.
type report struct {
	syncs, writes, agree, ties, leftOut int
	kinds                               map[string]int
	example                             map[string]string
}

func (r *report) add(o oracle.Outcome, from string) {
	r.syncs++
	r.leftOut += o.LeftOut
	if o.Model != nil || len(o.Upstream) > 0 {
		r.writes++
	}
	if o.Agree {
		r.agree++
		if o.Tie {
			r.ties++
		}
		return
	}
	r.kinds[o.Deviation]++
	if _, ok := r.example[o.Deviation]; ok {
		return
	}
	m := "nothing"
	if o.Model != nil {
		m = o.Model.String()
	}
	var ups []string
	for _, p := range o.Upstream {
		for _, w := range p {
			ups = append(ups, w.String())
		}
	}
	r.example[o.Deviation] = from + "\n        model:    " + m + "\n        upstream: " + strings.Join(ups, "; ")
}

// The views: every snapshot the built-in scenarios reach within 500 states (one per orbit of
// their symmetry) per scenario and level, and as many seeded random mutations of them.
func testViews(t *testing.T) []views.View {
	vs, err := views.Reachable(500, func(*cluster.Cluster) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	ms := views.Mutations(vs, len(vs), 1)
	t.Logf("%d views reached, %d mutations", len(vs), len(ms))
	return append(vs, ms...)
}

// Each controller's sync, upstream's and the model's, on every view: they agree, or differ in
// a way the Deviations table documents; and every documented deviation is seen.
func TestControllers(t *testing.T) {
	// Upstream reads the wall clock (pod availability, a Job's back-off, the age of pods): the
	// views' times (convert.Epoch on) must lie well in the past.
	if time.Now().Before(convert.Epoch.Add(time.Hour)) {
		t.Fatalf("the clock (%v) is before the views' times (%v on)", time.Now(), convert.Epoch)
	}
	vs := testViews(t)
	ctls := []struct {
		name string
		run  func(v *cluster.Cluster) ([]oracle.Outcome, error)
	}{
		{"replicaset", each((*cluster.Cluster).ReplicaSets, oracle.ReplicaSet)},
		{"job", each((*cluster.Cluster).Jobs, oracle.Job)},
		{"statefulset", each((*cluster.Cluster).StatefulSets, oracle.StatefulSet)},
		{"deployment", each((*cluster.Cluster).Deployments, oracle.Deployment)},
		{"scheduler (filters, per pending pod and node)", func(v *cluster.Cluster) ([]oracle.Outcome, error) {
			return oracle.Scheduler(v)
		}},
		{"kubelet (status, per bound pod and container state)", oracle.Kubelet},
		{"podgc", func(v *cluster.Cluster) ([]oracle.Outcome, error) {
			o, err := oracle.PodGC(v)
			return []oracle.Outcome{o}, err
		}},
	}
	seen := map[string]bool{}
	var table strings.Builder
	fmt.Fprintf(&table, "| controller | syncs compared | with a write | agree | of which another pod of the same rank | deviating (documented) |\n|---|---:|---:|---:|---:|---:|\n")
	for _, c := range ctls {
		r := &report{kinds: map[string]int{}, example: map[string]string{}}
		for _, v := range vs {
			outs, err := c.run(v.Cluster)
			if err != nil {
				t.Fatalf("%s on a view of %s: %v", c.name, v.From, err)
			}
			for _, o := range outs {
				r.add(o, v.From)
			}
		}
		fmt.Fprintf(&table, "| %s | %d | %d | %d | %d | %d |\n", c.name, r.syncs, r.writes, r.agree, r.ties, r.syncs-r.agree)
		var ks []string
		for k := range r.kinds {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		t.Logf("%s: %d syncs on %d views, %d with a write, %d agree (%d on a tie); %d upstream writes left out", c.name, r.syncs, len(vs), r.writes, r.agree, r.ties, r.leftOut)
		for _, k := range ks {
			if _, ok := oracle.Documented(c.name, k); ok {
				seen[c.name+"\x00"+k] = true
				t.Logf("  %5d %s (documented)", r.kinds[k], k)
				continue
			}
			t.Errorf("%s: undocumented deviation %q on %d views, first:\n        %s", c.name, k, r.kinds[k], r.example[k])
		}
		if r.syncs < 2000 {
			t.Errorf("%s: only %d syncs compared", c.name, r.syncs)
		}
	}
	for _, d := range oracle.Deviations {
		found := false
		for k := range seen {
			c, kind, _ := strings.Cut(k, "\x00")
			if dd, ok := oracle.Documented(c, kind); ok && (dd == d || d.Sampled && dd.Sampled && dd.Controller == d.Controller && dd.Reason == d.Reason) {
				found = true
			}
		}
		if !found {
			t.Errorf("documented deviation %s %q is not seen any more: drop it from the table", d.Controller, d.Kind)
		}
	}
	t.Logf("\n%s", table.String())
	// Each sync's controller is shut down: no goroutine per view is left behind (a work
	// queue's goroutines end at their next tick, half a second after its shutdown).
	n := runtime.NumGoroutine()
	for deadline := time.Now().Add(3 * time.Second); n > 200 && time.Now().Before(deadline); n = runtime.NumGoroutine() {
		time.Sleep(100 * time.Millisecond)
	}
	if n > 200 {
		t.Errorf("%d goroutines after the syncs of %d views", n, len(vs))
	}
}

// The container-exit fault ends a pod exactly when upstream's kubelet would give it a terminal
// phase (six cases: restartPolicy × success or failure).
func TestContainerExitRules(t *testing.T) {
	for _, bad := range oracle.ExitRules() {
		t.Error(bad)
	}
}
