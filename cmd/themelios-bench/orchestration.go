package main

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/catalog"
	"github.com/themelios/themelios/models/classic"
	"github.com/themelios/themelios/tutorials"
	"github.com/themelios/themelios/wasm/protocol"
)

// modelCheck is one check of the orchestration table.
type modelCheck struct {
	name   string // as printed
	target string
	sets   []string
	opts   checker.Options
}

// orchestrationChecks are the checks the table compares: the playground's headline check
// (Kubernetes issue 59848, to its first violation) and a weak-level scenario bounded as the
// results matrix bounds it, each with every step explored, with the reduction, and with the
// reduction and symmetry, on one and two workers.
func orchestrationChecks() []modelCheck {
	var out []modelCheck
	for _, c := range []modelCheck{
		{name: "59848: statefulset/stale-reads, resettable-session", target: "statefulset/stale-reads", sets: []string{"consistency=resettable-session"}},
		{name: "replicaset/spec-replicas-change, monotonic-session, 2 controllers, 50,000 states", target: "replicaset/spec-replicas-change",
			sets: []string{"consistency=monotonic-session", "controllers=2"}, opts: checker.Options{MaxStates: 50000, KeepGoing: true}},
	} {
		for _, v := range []struct{ noReduction, symmetry bool }{{true, false}, {false, false}, {false, true}} {
			for _, workers := range []int{1, 2} {
				c := c
				c.opts.Workers, c.opts.NoReduction, c.opts.Symmetry = workers, v.noReduction, v.symmetry
				out = append(out, c)
			}
		}
	}
	return out
}

// orchestrationTable measures the orchestration checks and two-phase commit side by side, the
// fastest of runs each, and prints a Markdown table.
func orchestrationTable(runs int) error {
	fmt.Printf("\nThe orchestration model beside two-phase commit, in one run (the fastest of %d each):\n\n", runs)
	fmt.Println("| check | reduction | symmetry | workers | distinct states | generated | seconds | generated/s | distinct/s | table bytes/state | allocated bytes/generated | allocations/generated |")
	fmt.Println("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	tpc, _ := classic.NewTwoPhase(8)
	rows := []func() (checker.Report, float64, error){func() (checker.Report, float64, error) {
		return fastest(runs, func() (checker.Report, error) {
			r, err := checker.Check(context.Background(), tpc, checker.Options{Workers: 1})
			return checker.NewReport(tpc, "classic/two-phase-commit", r), err
		})
	}}
	names := []string{"two-phase commit, 8 resource managers|-|-|1"}
	for _, c := range orchestrationChecks() {
		e, ok := catalog.Lookup(c.target)
		if !ok {
			return fmt.Errorf("no target %s", c.target)
		}
		m, err := e.Make(c.sets)
		if err != nil {
			return err
		}
		rows = append(rows, func() (checker.Report, float64, error) {
			return fastest(runs, func() (checker.Report, error) { return m.Check(context.Background(), c.target, c.opts) })
		})
		onOff := map[bool]string{true: "on", false: "off"}
		names = append(names, fmt.Sprintf("%s|%s|%s|%d", c.name, onOff[!c.opts.NoReduction], onOff[c.opts.Symmetry], c.opts.Workers))
	}
	for i, measure := range rows {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		rep, seconds, err := measure()
		if err != nil {
			return err
		}
		runtime.ReadMemStats(&after)
		// Allocation over the runs (each the same check), per generated state: deterministic
		// on one worker, unlike the times.
		gen := float64(rep.States) * float64(runs)
		f := strings.Split(names[i], "|")
		fmt.Printf("| %s | %s | %s | %s | %s | %s | %.2f | %s | %s | %.1f | %s | %.1f |\n", f[0], f[1], f[2], f[3], checker.Thousands(rep.Unique), checker.Thousands(rep.States), seconds,
			checker.Thousands(int64(float64(rep.States)/seconds)), checker.Thousands(int64(float64(rep.Unique)/seconds)), rep.BytesPerState,
			checker.Thousands(int64(float64(after.TotalAlloc-before.TotalAlloc)/gen)), float64(after.Mallocs-before.Mallocs)/gen)
	}
	return nil
}

// fastest runs check runs times and returns its report with the shortest wall time, and that
// time in seconds.
func fastest(runs int, check func() (checker.Report, error)) (checker.Report, float64, error) {
	return fastestBy(runs, check, func(_ checker.Report, wall float64) float64 { return wall })
}

// fastestBy runs check runs times, each after a collection, and returns the report for which
// seconds (given the report and the call's wall time in seconds) is least, and that figure.
func fastestBy(runs int, check func() (checker.Report, error), seconds func(checker.Report, float64) float64) (checker.Report, float64, error) {
	var best checker.Report
	bestSeconds := 0.0
	for range runs {
		runtime.GC()
		start := time.Now()
		rep, err := check()
		if err != nil {
			return best, 0, err
		}
		if s := seconds(rep, time.Since(start).Seconds()); bestSeconds == 0 || s < bestSeconds {
			best, bestSeconds = rep, s
		}
	}
	return best, bestSeconds, nil
}

// fastestNative runs check c natively runs times and returns the report with the shortest own
// duration (ownSeconds), and that duration.
func fastestNative(c modelCheck, runs int) (checker.Report, float64, error) {
	e, ok := catalog.Lookup(c.target)
	if !ok {
		return checker.Report{}, 0, fmt.Errorf("no target %s", c.target)
	}
	m, err := e.Make(c.sets)
	if err != nil {
		return checker.Report{}, 0, err
	}
	return fastestBy(runs, func() (checker.Report, error) { return m.Check(context.Background(), c.target, c.opts) }, ownSeconds)
}

// ownSeconds is a check's own duration, its report's, in seconds.
func ownSeconds(rep checker.Report, _ float64) float64 { return float64(rep.DurationMS) / 1000 }

// everyStepInBrowser checks the unreduced 59848 check and the bounded replicaset check (every
// step explored, one worker, no symmetry: the same states as before any reduction) natively
// and in the playground's worker, and prints generated states per second: natively the
// fastest of runs; in one worker the first check (a fresh worker's) and the fastest of runs
// more. Run against the site of an older build (-site), it measures that build's worker: a
// worker that predates the reduction ignores noReduction and explores every step anyway.
func everyStepInBrowser(site string, runs int) error {
	all := orchestrationChecks()
	fmt.Printf("\nEvery step explored, BFS, no symmetry: generated states per second by the check's own time; natively on one worker the fastest of %d runs, in the playground's checker worker in headless Chromium (WebAssembly, the site in %s; since 2026-12-04 it shares a check with its helper worker once the helper has loaded: the reports' workers) the first check and the fastest of %d after it:\n\n", runs, site, runs)
	fmt.Println("| check | generated | native generated/s | worker's first check, generated/s | worker, fastest, generated/s | ratio of the fastest | browser's workers, first and fastest |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---|")
	for _, c := range []modelCheck{all[0], all[6]} {
		if !c.opts.NoReduction || c.opts.Workers != 1 || c.opts.Symmetry {
			return fmt.Errorf("the every-step checks are not where they were")
		}
		native, seconds, err := fastestNative(c, runs)
		if err != nil {
			return err
		}
		req := map[string]any{"type": "check", "id": 1, "target": c.target, "sets": c.sets, "strategy": "bfs", "noReduction": true,
			"maxStates": cmp.Or(c.opts.MaxStates, 200000), "keepGoing": c.opts.KeepGoing, "timeoutMs": 600000}
		runsOf, err := inBrowserAll(site, runs, req)
		if err != nil {
			return err
		}
		rate := func(rep checker.Report) float64 { return float64(rep.States) / ownSeconds(rep, 0) }
		best, bestWorkers := 0.0, 0
		for _, rep := range runsOf[0][1:] {
			if r := rate(rep); r > best {
				best, bestWorkers = r, rep.Workers
			}
		}
		first, gen := runsOf[0][0], runsOf[0][0].States
		fmt.Printf("| %s | %s | %s | %s | %s | %.2f | %d, %d |\n", c.name, checker.Thousands(gen), checker.Thousands(int64(float64(native.States)/seconds)),
			checker.Thousands(int64(rate(first))), checker.Thousands(int64(best)), best/(float64(native.States)/seconds), first.Workers, bestWorkers)
	}
	return nil
}

// headlineInBrowser checks the headline in the playground's worker and natively on one worker,
// with the playground's defaults, then with symmetry, and prints the checks' own times (their
// reports' durations, the search without building the model or rendering the report): natively
// the fastest of runs; in one worker, after a first check that warms V8 up, the fastest of runs
// more (a worker keeps getting faster for several checks, so this figure falls as runs grows),
// and the second check alone (the first on warm code).
func headlineInBrowser(site string, runs int) error {
	all := orchestrationChecks()
	fmt.Printf("\nThe headline check (%s), BFS, the check's own time (its report's duration): natively on one worker the fastest of %d runs; in the playground's checker worker in headless Chromium (WebAssembly; it shares a check with its helper worker once the helper has loaded, as the reports' workers say), the fastest of %d checks after a first that warms V8 up, then the second check alone:\n\n", all[2].name, runs, runs)
	fmt.Printf("| symmetry | distinct states | native seconds | worker seconds (fastest of %d) | ratio | worker's second check, seconds | ratio | browser's workers, fastest and second |\n", runs)
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---|")
	for _, c := range []modelCheck{all[2], all[4]} { // 59848, reduction on, one worker; then with symmetry
		if c.opts.NoReduction || c.opts.Workers != 1 || c.target != "statefulset/stale-reads" {
			return fmt.Errorf("the headline check is not where it was")
		}
		native, seconds, err := fastestNative(c, runs)
		if err != nil {
			return err
		}
		runsOf, err := inBrowser(site, runs, map[string]any{"type": "check", "id": 1, "target": c.target, "sets": c.sets, "strategy": "bfs",
			"maxStates": 200000, "timeoutMs": 600000, "symmetry": c.opts.Symmetry})
		if err != nil {
			return err
		}
		best, bestWorkers := 0.0, 0
		for _, rep := range runsOf[0] {
			if rep.Unique != native.Unique {
				return fmt.Errorf("59848: %d states in the browser, %d natively", rep.Unique, native.Unique)
			}
			if b := ownSeconds(rep, 0); best == 0 || b < best {
				best, bestWorkers = b, rep.Workers
			}
		}
		second := ownSeconds(runsOf[0][0], 0)
		fmt.Printf("| %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %d, %d |\n", map[bool]string{true: "on", false: "off"}[c.opts.Symmetry], checker.Thousands(native.Unique),
			seconds, best, best/seconds, second, second/seconds, bestWorkers, runsOf[0][0].Workers)
	}
	// A fresh worker's first check, as a first visit gives it (a fresh profile: no cached code).
	c := all[4]
	req := map[string]any{"type": "check", "id": 1, "target": c.target, "sets": c.sets, "strategy": "bfs",
		"maxStates": 200000, "timeoutMs": 600000, "symmetry": c.opts.Symmetry}
	fmt.Printf("\nThe same check with symmetry as a fresh worker's first (a fresh browser profile each), from the request to the result, in seconds:\n\n")
	fmt.Println("| the worker before the request | runs | fastest | slowest |")
	fmt.Println("|---|---:|---:|---:|")
	for _, idle := range []time.Duration{0, 6 * time.Second} {
		lo, hi, err := spread(runs, func() (float64, error) { return firstInWorker(site, req, idle) })
		if err != nil {
			return err
		}
		what := "just loaded (the request sent with its ready message)"
		if idle > 0 {
			what = fmt.Sprintf("loaded %.0f s before", idle.Seconds())
		}
		fmt.Printf("| %s | %d | %.2f | %.2f |\n", what, runs, lo, hi)
	}
	fmt.Printf("\nA reader's first check: tutorial 2 opened in a fresh browser profile, its first widget (the same check) predicted and run after the reader has read for a while; the check's own time in the tab's worker, in seconds:\n\n")
	fmt.Println("| reading before the prediction | runs | fastest | slowest |")
	fmt.Println("|---|---:|---:|---:|")
	for _, reading := range []time.Duration{time.Second, 8 * time.Second} {
		lo, hi, err := spread(runs, func() (float64, error) { return readerFirstCheck(site, reading) })
		if err != nil {
			return err
		}
		fmt.Printf("| %.0f s | %d | %.2f | %.2f |\n", reading.Seconds(), runs, lo, hi)
	}
	return nil
}

// spread runs measure runs times and returns the smallest and largest of its figures.
func spread(runs int, measure func() (float64, error)) (lo, hi float64, err error) {
	for i := 0; i < runs; i++ {
		v, err := measure()
		if err != nil {
			return 0, 0, err
		}
		if i == 0 || v < lo {
			lo = v
		}
		hi = max(hi, v)
	}
	return lo, hi, nil
}

// readerFirstCheck opens tutorial 2 in a fresh headless Chromium (the site must be built: make
// site), waits reading once its widgets show, predicts on the first widget, clicks Run a second
// later, and returns the check's own time in the worker (its report's duration), in seconds.
func readerFirstCheck(site string, reading time.Duration) (float64, error) {
	base, b, done, err := chromium(site)
	if err != nil {
		return 0, err
	}
	defer done()
	p := b.MustPage("").Timeout(3 * time.Minute)
	// The page's workers report each result's duration here.
	p.MustEvalOnNewDocument(`(() => { const W = window.Worker; window.__durations = [];
		window.Worker = class extends W { constructor(u) { super(u);
			this.addEventListener("message", (e) => { const m = JSON.parse(e.data); if (m.type === "result") window.__durations.push(m.report.duration_ms); }); } }; })()`)
	p.MustNavigate(base + "/tutorials/02-kubernetes-59848")
	for !p.MustEval(`() => !document.getElementById("app-wasm-loader") && !!document.querySelector(".run-widget button.predict-holds")`).Bool() {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(reading)
	p.MustEval(`() => document.querySelector(".run-widget button.predict-holds").click()`)
	time.Sleep(time.Second)
	p.MustEval(`() => document.querySelector(".run-widget button.run").click()`)
	for p.MustEval(`() => window.__durations.length`).Int() == 0 {
		time.Sleep(50 * time.Millisecond)
	}
	return p.MustEval(`() => window.__durations[0]`).Num() / 1000, nil
}

// firstInWorker starts the playground's worker in a fresh headless Chromium (the site must be
// built: make site), waits idle once it is ready, sends req and returns the seconds from the
// request to the result.
func firstInWorker(site string, req map[string]any, idle time.Duration) (float64, error) {
	base, b, done, err := chromium(site)
	if err != nil {
		return 0, err
	}
	defer done()
	page := b.MustPage(base + "/web/worker.js").Timeout(5 * time.Minute) // a page of the site without the playground (and its worker)
	page.MustWaitLoad()
	ms, err := page.Eval(`(req, idle) => new Promise((resolve, reject) => {
		const w = new Worker("/web/worker.js");
		let sent = 0;
		w.onmessage = (e) => {
			const m = JSON.parse(e.data);
			if (m.type === "ready") { setTimeout(() => { sent = performance.now(); w.postMessage(JSON.stringify(req)); }, idle); return; }
			if (m.type === "error") { reject(new Error(m.error)); return; }
			if (m.type !== "result") return;
			w.terminate();
			resolve(performance.now() - sent);
		};
	})`, req, idle.Milliseconds())
	if err != nil {
		return 0, err
	}
	return ms.Value.Num() / 1000, nil
}

// tutorialWidgets times every tutorial's scenario blocks as the playground runs them (the
// widget's request, in the browser's worker) beside the same check natively on one worker,
// and prints a table.
func tutorialWidgets(site string, runs int) error {
	all, err := tutorials.All()
	if err != nil {
		return err
	}
	type widget struct {
		tutorial string
		w        protocol.RunWidget
		native   float64
		unique   int64
	}
	var ws []widget
	var reqs []map[string]any
	for _, tu := range all {
		for _, b := range tu.Blocks {
			if b.Run == nil {
				continue
			}
			req := b.Run.Request(1)
			e, _ := catalog.Lookup(req.Target)
			m, err := e.Make(req.Sets)
			if err != nil {
				return err
			}
			opts := req.Options()
			opts.Workers = 1
			rep, seconds, err := fastest(runs, func() (checker.Report, error) { return m.Check(context.Background(), req.Target, opts) })
			if err != nil {
				return err
			}
			ws = append(ws, widget{tutorial: tu.Slug, w: *b.Run, native: seconds, unique: rep.Unique})
			reqs = append(reqs, map[string]any{"type": req.Type, "id": req.ID, "target": req.Target, "sets": req.Sets, "strategy": req.Strategy, "maxStates": req.MaxStates, "symmetry": req.Symmetry})
		}
	}
	runsOf, err := inBrowser(site, 1, reqs...)
	if err != nil {
		return err
	}
	fmt.Printf("\nEvery tutorial widget, as the playground runs it (BFS, the widget's bound), in one run:\n\n")
	fmt.Println("| tutorial | check | outcome | distinct states | browser's worker, s | native, one worker, s | ratio |")
	fmt.Println("|---|---|---|---:|---:|---:|---:|")
	for i, w := range ws {
		rep := runsOf[i][0]
		if rep.Unique != w.unique {
			return fmt.Errorf("%s %s: %d states in the browser, %d natively", w.tutorial, w.w.Target, rep.Unique, w.unique)
		}
		browser := float64(rep.DurationMS) / 1000
		check := strings.TrimSpace(w.w.Target + " " + strings.Join(w.w.Sets, " "))
		if w.w.NoSymmetry {
			check += " (no symmetry)"
		}
		fmt.Printf("| %s | %s | %s | %s | %.2f | %.2f | %.1f |\n", w.tutorial, check, protocol.Outcome(&rep), checker.Thousands(rep.Unique), browser, w.native, browser/w.native)
	}
	return nil
}
