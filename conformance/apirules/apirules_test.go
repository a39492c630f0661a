package apirules

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/dynamic"

	"github.com/themelios/themelios/conformance/controlplane"
	"github.com/themelios/themelios/conformance/views"
	"github.com/themelios/themelios/models/catalog"
	"github.com/themelios/themelios/models/orchestration"
)

func model(t *testing.T, name string, sets []string) *orchestration.Model {
	m, err := views.Model(name, sets...)
	if err != nil {
		t.Fatal(err)
	}
	return m
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
	var traces []catalog.MatrixTrace
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
	byRule := map[string][2]int{}
	tally := func(st Step) {
		k := st.Write[:strings.LastIndex(st.Write, " ")] + ": " + strings.SplitN(st.Model, ";", 2)[0]
		if i := strings.Index(k, ": "); i >= 0 && strings.Contains(k[i+2:], ":") {
			k = k[:i+2] + k[i+2:i+2+strings.Index(k[i+2:], ":")] // the code and reason, without the sentence
		}
		n := byRule[k]
		n[0]++
		if st.Agree {
			n[1]++
		}
		byRule[k] = n
	}
	kinds := map[string]int{}
	example := map[string]string{}
	agree := 0
	// record counts a compared write, where says where it comes from.
	record := func(where string, st Step) {
		tally(st)
		if st.Agree {
			agree++
			return
		}
		kinds[st.Deviation]++
		if _, ok := example[st.Deviation]; !ok {
			example[st.Deviation] = where + " " + itoa(st.Index) + ": " + st.Write + "\n      model: " + st.Model + "\n      real:  " + st.Real
		}
	}
	var steps, replayed, skipped int
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
			record(tr.Scenario+" "+strings.Join(tr.Sets, " ")+", step", st)
		}
	}
	rules := 0
	for _, rc := range ruleCases() {
		res, err := r.ReplayWrites(ctx, rc.initial, rc.writes)
		if err != nil {
			t.Fatalf("rules %s: %v", rc.name, err)
		}
		for _, st := range res.Steps {
			rules++
			record("rules "+rc.name+", write", st)
		}
	}
	t.Logf("%d traces replayed (%d skipped: optimistic and causal), %d writes; %d writes of the rule cases; %d agree of %d",
		replayed, skipped, steps, rules, agree, steps+rules)
	var rows []string
	for k, n := range byRule {
		rows = append(rows, fmt.Sprintf("| %s | %d | %d |", k, n[0], n[1]))
	}
	sort.Strings(rows)
	t.Logf("\n| write and outcome | compared | agree |\n|---|---:|---:|\n%s", strings.Join(rows, "\n"))
	var ks []string
	for k := range kinds {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		t.Errorf("%4d writes deviate: %s\n      %s", kinds[k], k, example[k])
	}
	for _, want := range []string{"201 Created", "409 Conflict", "404 Not Found", "422 Invalid"} {
		found := false
		for k := range byRule {
			found = found || strings.Contains(k, want)
		}
		if !found {
			t.Errorf("no write compared ends in %s", want)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
