package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"

	sitehttp "github.com/themelios/themelios/app/site"
	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/classic"
)

// browserRate checks two-phase commit with rms resource managers in the playground's Web
// Worker in headless Chromium (the site must be built: make site), and natively on one worker,
// and returns both reports' unique states per second (the worker's own measure of its check).
func browserRate(site string, rms int) (native, browser float64, unique int64, err error) {
	m, _ := classic.NewTwoPhase(rms)
	checker.Check(context.Background(), m, checker.Options{Workers: 1}) // warm up
	r, err := checker.Check(context.Background(), m, checker.Options{Workers: 1})
	if err != nil {
		return 0, 0, 0, err
	}
	native = float64(r.Unique) / r.Duration.Seconds()
	reps, err := inBrowser(site, 1, map[string]any{"type": "check", "id": 1, "target": "classic/two-phase-commit", "sets": []string{fmt.Sprintf("rms=%d", rms)},
		"strategy": "bfs", "maxStates": 5000000, "timeoutMs": 600000})
	if err != nil {
		return 0, 0, 0, err
	}
	rep := reps[0][0]
	if rep.Unique != r.Unique || !rep.Complete {
		return 0, 0, 0, fmt.Errorf("the browser found %d states (complete %v), natively %d", rep.Unique, rep.Complete, r.Unique)
	}
	return native, float64(rep.Unique) / (float64(rep.DurationMS) / 1000), rep.Unique, nil
}

// inBrowser runs each check request (wasm/protocol's JSON) in the playground's Web Worker in
// headless Chromium (the site must be built: make site), 1+runs times in one worker, the first
// to warm V8 up, and returns each request's reports of the runs after the first, in order
// (runs at least 1).
func inBrowser(site string, runs int, reqs ...map[string]any) ([][]checker.Report, error) {
	all, err := inBrowserAll(site, runs, reqs...)
	for i := range all {
		all[i] = all[i][1:]
	}
	return all, err
}

// inBrowserAll is inBrowser with the first run's reports too: each request's 1+runs reports.
func inBrowserAll(site string, runs int, reqs ...map[string]any) ([][]checker.Report, error) {
	if _, err := os.Stat(filepath.Join(site, "web", "worker.wasm")); err != nil {
		return nil, fmt.Errorf("no built site in %s (make site): %v", site, err)
	}
	base, b, done, err := chromium(site)
	if err != nil {
		return nil, err
	}
	defer done()
	page := b.MustPage(base + "/web/worker.js").Timeout(10 * time.Minute) // a page of the site without the playground (and its worker)
	page.MustWaitLoad()
	var out [][]checker.Report
	for _, req := range reqs {
		text := page.MustEval(`(req, runs) => new Promise((resolve, reject) => {
			const w = new Worker("/web/worker.js");
			const reports = [];
			w.onmessage = (e) => {
				const m = JSON.parse(e.data);
				if (m.type === "ready") { w.postMessage(JSON.stringify(req)); return; }
				if (m.type === "error") { reject(m.error); return; }
				if (m.type !== "result") return;
				reports.push(m.report);
				if (reports.length < 1 + runs) { w.postMessage(JSON.stringify(req)); return; }
				w.terminate();
				resolve(JSON.stringify(reports));
			};
		})`, req, max(runs, 1)).String()
		var reps []checker.Report
		if err := json.Unmarshal([]byte(text), &reps); err != nil {
			return nil, err
		}
		out = append(out, reps)
	}
	return out, nil
}

// chromium serves the built site on a loopback port and starts headless Chromium with a fresh
// profile; it returns the site's URL, the browser, and a function that stops both.
func chromium(site string) (base string, b *rod.Browser, done func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, nil, err
	}
	h := sitehttp.Handler(site, true)
	h.Compressed(3 * time.Minute) // a first visit as themelios serve gives it, brotli at its best
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	dir, _ := os.MkdirTemp("", "themelios-chromium")
	l := launcher.New().Bin("/usr/bin/chromium").Headless(true).NoSandbox(true).Set("disable-gpu").
		Set("disable-background-networking").Set("no-first-run").UserDataDir(dir)
	stop := func() { srv.Close(); os.RemoveAll(dir) }
	u, err := l.Launch()
	if err != nil {
		stop()
		return "", nil, nil, err
	}
	b = rod.New().ControlURL(u)
	if err := b.Connect(); err != nil {
		l.Kill()
		stop()
		return "", nil, nil, err
	}
	return "http://" + ln.Addr().String(), b, func() { b.Close(); l.Kill(); stop() }, nil
}
