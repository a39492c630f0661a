package apirules

import (
	"context"
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/dynamic"

	"github.com/themelios/themelios/conformance/controlplane"
	"github.com/themelios/themelios/models/orchestration"
	"github.com/themelios/themelios/models/scenario"
)

// matrixTrace is a line of testdata/matrix-traces.json (themelios matrix --traces).
type matrixTrace struct {
	Scenario string   `json:"scenario"`
	Sets     []string `json:"sets"`
	Property string   `json:"property"`
	Path     []int    `json:"path"`
	Loop     int      `json:"loop"`
}

func model(t *testing.T, name string, sets []string) *orchestration.Model {
	for _, b := range scenario.Builtins() {
		if b.Name != name {
			continue
		}
		set := b.Settings
		for _, kv := range sets {
			k, v, _ := strings.Cut(kv, "=")
			if err := set.Set(k, v); err != nil {
				t.Fatal(err)
			}
		}
		cfg, err := b.Config(set)
		if err != nil {
			t.Fatal(err)
		}
		m, err := orchestration.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	t.Fatalf("no built-in scenario %s", name)
	return nil
}

func TestAPIRules(t *testing.T) {
	file := "../testdata/matrix-traces.json"
	if f := os.Getenv("TRACES"); f != "" {
		file = f
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var traces []matrixTrace
	if err := json.Unmarshal(b, &traces); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	bin, err := controlplane.APIServer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := controlplane.Start(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Stop()
	dyn, err := dynamic.NewForConfig(cp.Config())
	if err != nil {
		t.Fatal(err)
	}
	r := NewReplayer(dyn)
	kinds := map[string]int{}
	example := map[string]string{}
	var steps, agree, replayed, skipped int
	for _, tr := range traces {
		res, err := r.Replay(ctx, model(t, tr.Scenario, tr.Sets), tr.Path)
		if err != nil {
			t.Fatalf("%s %v: %v", tr.Scenario, tr.Sets, err)
		}
		if res.Skipped != "" {
			skipped++
			continue
		}
		replayed++
		for _, st := range res.Steps {
			steps++
			if st.Agree {
				agree++
				continue
			}
			kinds[st.Deviation]++
			if _, ok := example[st.Deviation]; !ok {
				example[st.Deviation] = tr.Scenario + " " + strings.Join(tr.Sets, " ") + ", step " + itoa(st.Index) + ": " + st.Write +
					"\n      model: " + st.Model + "\n      real:  " + st.Real
			}
		}
	}
	t.Logf("%d traces replayed (%d skipped), %d writes, %d agree", replayed, skipped, steps, agree)
	var ks []string
	for k := range kinds {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		t.Logf("%4d %s\n      %s", kinds[k], k, example[k])
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
