//go:build browser

package playground_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// workerReport is what these tests read of a check's report.
type workerReport struct {
	Unique     int64  `json:"unique"`
	States     int64  `json:"states"`
	Depth      int    `json:"depth"`
	Stopped    string `json:"stopped"`
	Workers    int    `json:"workers"`
	Properties []struct {
		Name   string            `json:"name"`
		Status string            `json:"status"`
		Trace  []json.RawMessage `json:"trace"`
	} `json:"properties"`
}

// The checker's worker shares a check with its helper worker (wasm/worker/peer.go), in
// headless Chromium: the 59848 check on two workers reports what the explorer's worker, which
// has no helper, reports on one (the same states, verdicts and traces); a check cancelled on two
// workers stops, and the next check on them is whole again; a DFS check runs on one.
func TestBrowserPartitionedCheck(t *testing.T) {
	base := strings.TrimSuffix(site(t), "/")
	b := browser(t)
	p := b.MustPage(base + "/web/worker.js").Timeout(4 * time.Minute) // a page of the site's origin
	p.MustWaitLoad()
	// Each worker gets its requests in turn, each sent once the last is answered (the first
	// after 3 s, for the helper to load); a request with cancelAfterMs is cancelled after so many
	// milliseconds. The answer is every request's final message.
	script := `(name, reqs) => new Promise((resolve, reject) => {
		const w = new Worker("/web/worker.js", { name });
		const out = [];
		const send = () => {
			const r = reqs[out.length];
			w.postMessage(JSON.stringify(r));
			if (r.cancelAfterMs) setTimeout(() => w.postMessage(JSON.stringify({ type: "cancel" })), r.cancelAfterMs);
		};
		w.onerror = (e) => reject("worker failed: " + e.message);
		w.onmessage = (e) => {
			const m = JSON.parse(e.data);
			if (m.type === "ready") { setTimeout(send, 3000); return; }
			if (m.type !== "result" && m.type !== "error") return;
			out.push(m);
			if (out.length < reqs.length) { send(); return; }
			w.terminate();
			resolve(JSON.stringify(out));
		};
	})`
	headline := map[string]any{"type": "check", "id": 1, "target": "statefulset/stale-reads", "sets": []string{"consistency=resettable-session"}, "strategy": "bfs"}
	raw := map[string]any{"type": "check", "id": 2, "target": "statefulset/stale-reads", "sets": []string{"consistency=resettable-session"}, "strategy": "bfs",
		"noReduction": true, "cancelAfterMs": 300}
	dfs := map[string]any{"type": "check", "id": 3, "target": "statefulset/stale-reads", "sets": []string{"consistency=resettable-session"}, "strategy": "dfs"}
	run := func(name string, reqs ...map[string]any) []workerReport {
		t.Helper()
		var msgs []struct {
			Type   string       `json:"type"`
			Error  string       `json:"error"`
			Report workerReport `json:"report"`
		}
		if err := json.Unmarshal([]byte(p.MustEval(script, name, reqs).String()), &msgs); err != nil {
			t.Fatal(err)
		}
		var out []workerReport
		for i, m := range msgs {
			if m.Type != "result" {
				t.Fatalf("%s, request %d: %s %s", name, i+1, m.Type, m.Error)
			}
			out = append(out, m.Report)
		}
		return out
	}
	shared := run("checker", headline, raw, headline, dfs)
	alone := run("explorer", headline)
	// The 59848 check: its counterexample, 10 steps, on two workers and on one.
	for i, rep := range []workerReport{shared[0], shared[2], alone[0]} {
		wantWorkers := 2
		if i == 2 {
			wantWorkers = 1
		}
		if rep.Workers != wantWorkers || rep.Unique != 27744 || rep.Stopped != "violation" {
			t.Fatalf("check %d: %d workers, %d states, stopped %q", i, rep.Workers, rep.Unique, rep.Stopped)
		}
		found := false
		for _, pr := range rep.Properties {
			if pr.Name == "a pod identity runs on at most one node" {
				found = true
				if pr.Status != "violated" || len(pr.Trace) != 11 { // the initial state and 10 steps
					t.Fatalf("check %d: %q %s in %d steps", i, pr.Name, pr.Status, len(pr.Trace)-1)
				}
			}
		}
		if !found {
			t.Fatalf("check %d: no property %q", i, "a pod identity runs on at most one node")
		}
	}
	// The same states generated, verdicts and traces, step by step.
	a, _ := json.Marshal(alone[0].Properties)
	for _, rep := range []workerReport{shared[0], shared[2]} {
		if b, _ := json.Marshal(rep.Properties); string(a) != string(b) || rep.States != alone[0].States || rep.Depth != alone[0].Depth {
			t.Fatalf("on two workers, %d states generated, depth %d:\n%s\non one, %d and %d:\n%s", rep.States, rep.Depth, b, alone[0].States, alone[0].Depth, a)
		}
	}
	// Cancelled after 0.3 s of its 85,194 states, on two workers.
	if r := shared[1]; r.Stopped != "interrupted" || r.Workers != 2 || r.Unique == 0 || r.Unique >= 85194 {
		t.Fatalf("the cancelled check: stopped %q on %d workers after %d states", r.Stopped, r.Workers, r.Unique)
	}
	if r := shared[3]; r.Workers != 1 || r.Stopped != "violation" {
		t.Fatalf("DFS: %d workers, stopped %q", r.Workers, r.Stopped)
	}
}
