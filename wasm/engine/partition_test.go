package engine

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/catalog"
	"github.com/themelios/themelios/wasm/protocol"
)

// runShared runs req as a check partitioned over n instances in this process
// (checker.LocalPeers), each on its own goroutine with its own model, as the playground's
// worker does: the first instance starts, and the others only once it says the check is
// partitioned. It returns what they posted: the first instance's messages and the others'
// (errors only), and whether the check was partitioned.
func runShared(req protocol.Request, n int) (lead []Response, others []Response, partitioned bool) {
	peers := checker.LocalPeers(n)
	var mu sync.Mutex
	var wg sync.WaitGroup
	run := func(i int, started func(bool)) {
		RunPartitioned(context.Background(), req, peers[i], started, time.Millisecond, func(r Response) {
			mu.Lock()
			defer mu.Unlock()
			if i == 0 {
				lead = append(lead, r)
			} else {
				others = append(others, r)
			}
		}, nil)
	}
	wg.Go(func() {
		run(0, func(ok bool) {
			partitioned = ok
			for i := 1; ok && i < n; i++ {
				wg.Go(func() { run(i, nil) })
			}
		})
	})
	wg.Wait()
	return lead, others, partitioned
}

// comparable is a report without what depends on the run rather than the search: its duration,
// memory per state and number of workers.
func comparable(t *testing.T, rep *checker.Report) string {
	t.Helper()
	c := *rep
	c.DurationMS, c.BytesPerState, c.Workers = 0, 0, 0
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// Every built-in target's default check, partitioned over two instances, reports what it
// reports on one: the same states, depth, stop, verdicts and traces (bounded to 3,000 states,
// so that most are cut by the bound and the cut is compared too); the 59848 check whole, with
// and without symmetry, on two instances to the end; and with every step explored, cut at
// 20,000 states; and every tutorial widget.
func TestPartitionedChecksMatchOneInstance(t *testing.T) {
	var reqs []protocol.Request
	for _, e := range catalog.All() {
		reqs = append(reqs, protocol.Request{Type: TypeCheck, ID: 1, Target: e.Name, Strategy: "bfs", MaxStates: 3000})
	}
	headline := protocol.Request{Type: TypeCheck, ID: 2, Target: "statefulset/stale-reads", Sets: []string{"consistency=resettable-session"}, Strategy: "bfs"}
	sym, raw := headline, headline
	sym.Symmetry, raw.NoReduction, raw.MaxStates, raw.ID = true, true, 20000, 3 // raw: cut by the bound
	reqs = append(reqs, headline, sym, raw)
	// Every tutorial widget, as the playground runs it: most complete, with their temporal
	// properties decided on the graph the instances recorded in shares, under symmetry.
	for _, w := range widgets(t) {
		reqs = append(reqs, w.Request(4))
	}
	shared := 0
	for _, req := range reqs {
		var one []Response
		RunContext(context.Background(), req, time.Hour, func(r Response) { one = append(one, r) }, nil)
		want := one[len(one)-1]
		lead, others, partitioned := runShared(req, 2)
		got := lead[len(lead)-1]
		if want.Type != TypeResult || got.Type != TypeResult || len(others) != 0 {
			t.Fatalf("%s: one instance %+v; partitioned %+v, the other instance posted %+v", req.Target, want, got, others)
		}
		if w := got.Report.Workers; !partitioned && w != 1 || partitioned && w != 2 {
			t.Fatalf("%s: partitioned %v, %d workers", req.Target, partitioned, w)
		}
		if partitioned {
			shared++
		}
		if headline := req.Target == "statefulset/stale-reads" && req.ID == 2; headline && got.Report.Workers != 2 {
			t.Fatalf("the 59848 check %+v: %d workers", req, got.Report.Workers)
		}
		if a, b := comparable(t, got.Report), comparable(t, want.Report); a != b {
			t.Fatalf("%s %v: partitioned\n%s\none instance\n%s", req.Target, req.Sets, a, b)
		}
	}
	if shared < len(reqs)*3/4 {
		t.Fatalf("only %d of %d checks partitioned to the end", shared, len(reqs))
	}
}
