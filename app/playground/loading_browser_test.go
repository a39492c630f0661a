//go:build browser

package playground_test

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	sitehttp "github.com/themelios/themelios/app/site"
)

// Loading (issue 15, item 9): a tutorial's text shows before the WebAssembly has loaded (the
// page is prerendered), and a first visit fetches app.wasm once (the service worker does not
// precache it while the page loads it); a tutorial and the playground start the tab's checker
// worker before its first check, and a tab's checks run one after another in it; a tutorial the
// site lacks says so.
func TestBrowserLoading(t *testing.T) {
	var fetches, workers atomic.Int32
	var hold atomic.Bool
	hold.Store(true)
	base := serveSite(t, func(w http.ResponseWriter, r *http.Request, site http.Handler) {
		if r.URL.Path == "/web/worker.js" && r.URL.RawQuery == "" { // a worker starting (the service worker caches .wasm; its helper is worker.js?helper)
			workers.Add(1)
		}
		if strings.HasSuffix(r.URL.Path, "/app.wasm") {
			fetches.Add(1)
			for hold.Load() {
				time.Sleep(20 * time.Millisecond)
			}
		}
		site.ServeHTTP(w, r)
	})
	t.Cleanup(func() { hold.Store(false) }) // before the server closes

	b := browser(t)
	p := b.MustPage(base + "/tutorials/05-kubernetes-41889").Timeout(4 * time.Minute) // the budget of every step on this page
	// app.wasm is held back: what shows is the prerendered page.
	waitText(t, p, "main", "A StatefulSet with OrderedReady pod management promises order", 10*time.Second)
	waitText(t, p, "main", "Can the controller create web-1 while web-0 is gone?", time.Second)
	if n := fetches.Load(); n != 1 {
		t.Fatalf("app.wasm requested %d times while held", n)
	}
	hold.Store(false)
	// Once loaded, the tutorial starts the tab's checker worker, before any prediction.
	for deadline := time.Now().Add(time.Minute); workers.Load() == 0; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the tutorial did not start the tab's checker worker as it opened")
		}
	}
	// The page works: a prediction enables Run.
	enabled := `() => { const b = document.querySelector(".run-widget button.predict-breaks"); if (b) b.click();
		const r = document.querySelector(".run-widget button.run"); return !!r && !r.disabled }`
	for deadline := time.Now().Add(time.Minute); !p.MustEval(enabled).Bool(); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the page never became interactive")
		}
	}
	// The service worker has installed by now; it fetched no second copy.
	p.MustWaitIdle()
	time.Sleep(2 * time.Second)
	if n := fetches.Load(); n != 1 {
		t.Fatalf("a first visit fetched app.wasm %d times", n)
	}
	// The tutorial started the tab's checker worker as it opened; the prediction started none.
	if n := workers.Load(); n != 1 {
		t.Fatalf("%d workers started for a tutorial and a prediction", n)
	}
	// Both widgets' checks run in that worker, one after the other (the widget gives it back
	// to the tab when its check ends), even when the reader predicts on the second while the
	// first check runs.
	var ids []string
	for _, w := range p.MustElements(".run-widget") {
		ids = append(ids, "#"+w.MustProperty("id").String())
	}
	p.MustElement(ids[0] + " button.run").MustClick()
	p.MustElement(ids[1] + " button.predict-holds").MustClick()
	waitText(t, p, ids[0]+" .outcome", "as the text claims", time.Minute)
	p.MustElement(ids[1] + " button.run").MustClick()
	waitText(t, p, ids[1]+" .outcome", "as the text claims", time.Minute)
	if n := workers.Load(); n != 1 {
		t.Fatalf("%d workers started for a tutorial's two checks", n)
	}
	workers.Store(0)
	q := open(t, b, base+"/") // a new tab: the page opened as other tests open it
	for deadline := time.Now().Add(time.Minute); workers.Load() == 0; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the playground did not start the checker's worker before a check")
		}
	}
	q.MustElement("#run").MustClick()
	waitText(t, q, "#progress", "distinct states", time.Minute)
	if n := workers.Load(); n != 1 {
		t.Fatalf("%d workers started for a first check", n)
	}
	q.MustClose()

	// A tutorial the site does not have: the page's fetch fails with the server's answer, shown.
	p.MustNavigate(base + "/tutorials/99-no-such")
	waitText(t, p, "#error", `This tutorial cannot be loaded: no tutorial "99-no-such": 404`, 30*time.Second)
}

// A checker's worker that fails to load while a check waits for it: the check says why, and
// the next check starts a fresh worker instead of waiting forever on the failed one.
func TestBrowserWorkerFails(t *testing.T) {
	var fail, held atomic.Bool
	fail.Store(true)
	release := make(chan struct{})
	base := serveSite(t, func(w http.ResponseWriter, r *http.Request, site http.Handler) {
		if r.URL.Path == "/web/worker.wasm" && fail.Load() {
			held.Store(true)
			<-release
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		site.ServeHTTP(w, r)
	})
	b := browser(t)
	p := open(t, b, base+"/")
	// The worker started as the page opened is loading (its WebAssembly held back) when Run
	// asks it for a check; then its load fails.
	waitFor(t, time.Minute, held.Load, func() string { return "the playground did not start the checker's worker" })
	p.MustElement("#run").MustClick()
	waitText(t, p, "#progress", "Starting the checker", 10*time.Second)
	fail.Store(false)
	close(release)
	waitText(t, p, "#error", "the checker failed to load", 30*time.Second)
	// The next check gets a fresh worker, which loads.
	p.MustElement("#run").MustClick()
	waitText(t, p, "#progress", "distinct states", time.Minute)
}

// The state graph's worker failing to load Graphviz (viz.js unavailable) shows an error, and
// the next drawing, once viz.js is served, draws. (Before, nothing answered: the panel stayed
// "drawing" for ever.)
func TestBrowserGraphFails(t *testing.T) {
	var fail atomic.Bool
	var refused atomic.Int32
	fail.Store(true)
	base := serveSite(t, func(w http.ResponseWriter, r *http.Request, site http.Handler) {
		if r.URL.Path == "/web/viz-global.js" && fail.Load() {
			refused.Add(1)
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		site.ServeHTTP(w, r)
	})
	p := open(t, browser(t), base+"/")
	checkTarget(t, p, "pod/restart-loop")
	waitText(t, p, "#properties", "pods that a node can take are eventually all scheduled", time.Minute)
	waitListed(t, p)
	p.MustElement("#draw-graph").MustClick()
	waitText(t, p, "section.graph .error", "Graphviz could not start: ", 30*time.Second)
	if refused.Load() == 0 {
		t.Fatal("viz.js was never asked for")
	}
	fail.Store(false)
	p.MustElement("#draw-graph").MustClick()
	waitElement(t, p, "#graph svg", time.Minute, "section.graph")
	if n := len(p.MustElements("#graph g.node")); n == 0 {
		t.Fatal("the graph drawn once viz.js is served has no state")
	}
}

// serveSite serves the built site (THEMELIOS_SITE, or make site's) through through, which gets
// each request and the site's handler, until the test ends; it returns the site's URL.
func serveSite(t *testing.T, through func(w http.ResponseWriter, r *http.Request, site http.Handler)) string {
	t.Helper()
	dir := os.Getenv("THEMELIOS_SITE")
	if dir == "" {
		dir = "../../site"
	}
	h := sitehttp.Handler(dir, false)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { through(w, r, h) })}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// A layout still running when its graph is taken down (a new check) is stopped: its worker is
// terminated, not left to finish a layout nobody will see. viz.js is held back, so the layout
// never ends on its own.
func TestBrowserGraphDropped(t *testing.T) {
	release := make(chan struct{})
	var asked atomic.Bool
	base := serveSite(t, func(w http.ResponseWriter, r *http.Request, site http.Handler) {
		if r.URL.Path == "/web/viz-global.js" {
			asked.Store(true)
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		site.ServeHTTP(w, r)
	})
	t.Cleanup(func() { close(release) }) // before the server closes
	p := openCountingWorkers(t, browser(t), base)
	checkTarget(t, p, "pod/restart-loop")
	waitText(t, p, "#progress", "distinct states", time.Minute)
	waitListed(t, p)
	p.MustElement("#draw-graph").MustClick()
	waitFor(t, 30*time.Second, asked.Load, func() string { return "the graph's worker never asked for viz.js" })
	waitText(t, p, "#graph-note", "Laying it out with Graphviz…", 5*time.Second)
	_, before := liveWorkers(p)
	p.MustElement("#run").MustClick() // a new check: the graph on offer is a new one
	terminated := func() int { _, d := liveWorkers(p); return d }
	waitFor(t, time.Minute, func() bool { return terminated() > before }, func() string {
		return fmt.Sprintf("the layout's worker was not terminated when its graph was taken down (%d terminated before, %d after)", before, terminated())
	})
	note := func() string { return p.MustElement("#graph-note").MustText() }
	waitFor(t, 5*time.Second, func() bool { return !strings.Contains(note(), "Laying it out") }, func() string {
		return fmt.Sprintf("the graph note once the layout was stopped: %q", note())
	})
}
