package playground

import (
	"context"
	"strings"
	"testing"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/catalog"
	"github.com/themelios/themelios/models/orchestration"
	"github.com/themelios/themelios/models/scene"
)

// The picture of Kubernetes issue 59848's last step: db-0 runs on both nodes, drawn red in
// each node box; the kubelet's start is the step's change; every controller is listed with
// what it read.
func TestSceneOfTheHeadline(t *testing.T) {
	e, ok := catalog.Lookup("statefulset/stale-reads")
	if !ok {
		t.Fatal("no statefulset/stale-reads")
	}
	m, err := e.Make([]string{"consistency=resettable-session"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := m.Check(context.Background(), "statefulset/stale-reads", checker.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	var tr []checker.TraceStep
	for _, p := range rep.Properties {
		if p.Name == orchestration.OneNodePerPod {
			tr = p.Trace
		}
	}
	if len(tr) != 11 {
		t.Fatalf("trace of %d steps", len(tr)-1)
	}
	last, prev := decodeScene(tr[10].Scene), decodeScene(tr[9].Scene)
	if last == nil || prev == nil {
		t.Fatal("no scene in the trace")
	}
	twice := 0
	for _, n := range last.Nodes {
		for _, p := range n.Pods {
			if p.Twice {
				twice++
				if p.Name != "db-0" || !p.Running {
					t.Errorf("on %s: %+v", n.Name, p)
				}
			}
		}
	}
	if twice != 2 || len(last.Controllers) == 0 || len(last.Workloads) != 1 {
		t.Fatalf("scene: %+v", last)
	}
	svg := sceneSVG("cluster", last, prev, tr[10].Action)
	if !strings.HasPrefix(svg, `<svg xmlns="http://www.w3.org/2000/svg" id="cluster"`) || strings.Count(svg, " twice") != 2 || !strings.Contains(svg, `class="note">no longer in the store, runs on two nodes</text>`) ||
		strings.Count(svg, `class="controller changed"`) != 1 || !strings.Contains(changedController(svg), ">kubelet/node-1<") || !strings.Contains(svg, "StatefulSet db: ") || !strings.Contains(svg, "read: rev ") {
		t.Fatalf("svg:\n%s", svg)
	}
	// The first step has nothing to compare with: nothing is marked as changed.
	if first := sceneSVG("cluster", decodeScene(tr[0].Scene), nil, tr[0].Action); strings.Contains(first, "changed") {
		t.Fatalf("the initial picture marks a change:\n%s", first)
	}
	// Step 10: kubelet/node-1 read revision 4 (the latest was 9): it saw db-0 bound to node-1;
	// the store had re-created it on node-2. Each picture outlines what the other lacks.
	read := decodeRead(tr[10].Read)
	if read == nil || read.Controller != "kubelet/node-1" || read.Latest != 9 || len(read.Reads) != 1 || read.Reads[0] != (orchestration.KindRead{Kind: "*", Rev: 4}) {
		t.Fatalf("read: %+v", read)
	}
	latest := storeOnly(prev)
	saw, now := sceneSVG("saw-view", &read.Saw, &latest, ""), sceneSVG("saw-latest", &latest, &read.Saw, "")
	if !strings.Contains(nodeDrawing(saw, "node-1"), `class="pod pending changed" data-pod="db-0"`) || strings.Contains(nodeDrawing(saw, "node-2"), "db-0") ||
		!strings.Contains(nodeDrawing(now, "node-2"), `data-pod="db-0"`) || !strings.Contains(nodeDrawing(now, "node-2"), "changed") {
		t.Fatalf("saw:\n%s\nlatest:\n%s", saw, now)
	}
	// The timeline: one lane per controller that read, kubelet/node-1's read of step 10 stale.
	tl := timelineSVG(tr, 10)
	if !strings.Contains(tl, `data-controller="kubelet/node-1"`) || !strings.Contains(tl, `<circle class="read stale" data-step="10"`) ||
		!strings.Contains(tl, "step 10: read revision 4 (latest 9)") {
		t.Fatalf("timeline:\n%s", tl)
	}
	// Names are escaped.
	if svg := sceneSVG("cluster", &scene.Scene{Nodes: []scene.Node{{Name: "<n>"}}}, nil, ""); strings.Contains(svg, "<n>") {
		t.Fatalf("unescaped: %s", svg)
	}
}

// changedController is the drawing of the controller marked as the step's.
func changedController(svg string) string {
	_, g, _ := strings.Cut(svg, `class="controller changed"`)
	g, _, _ = strings.Cut(g, "</g>")
	return g
}

// nodeDrawing is the drawing of one node box.
func nodeDrawing(svg, node string) string {
	_, g, _ := strings.Cut(svg, `data-node="`+node+`"`)
	g, _, _ = strings.Cut(g, `<g class="node`)
	return g
}
