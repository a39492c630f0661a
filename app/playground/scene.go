package playground

import (
	"encoding/json"
	"fmt"
	"html"
	"slices"
	"strings"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/scene"
)

// decodeScene reads a trace step's scene (checker.TraceStep.Scene), or nil when the model gave
// none or it does not parse.
func decodeScene(raw json.RawMessage) *scene.Scene { return decode[scene.Scene](raw) }

// decodeRead reads a trace step's read (checker.TraceStep.Read), or nil.
func decodeRead(raw json.RawMessage) *scene.StepRead {
	return decode[scene.StepRead](raw)
}

// decode reads JSON into a new T, or gives nil for none or bad JSON.
func decode[T any](raw json.RawMessage) *T {
	if len(raw) == 0 {
		return nil
	}
	v := new(T)
	if json.Unmarshal(raw, v) != nil {
		return nil
	}
	return v
}

// Layout of the cluster picture, in SVG user units (pixels at 100%).
const (
	sceneWidth  = 760
	nodeGap     = 16
	nodeHead    = 46 // a node box's title and status
	podHeight   = 36 // a pod: its name and phase, then what is special about it
	podGap      = 6
	rowHeight   = 26 // a workload or controller
	perRow      = 3  // node boxes per row
	sectionHead = 26
)

// sceneSVG draws a cluster picture: nodes as boxes holding their pods (the phase by colour, a
// pod identity running on two nodes in red, containers a kubelet runs for a pod not bound to it
// dashed, a crashed node grey), the pods bound to no node, the workloads with their ready and
// desired counts, and each controller with what it read. What differs from prev (the previous
// step's picture, nil for none) is outlined: the step's change, and the controller that took
// the step (action, the step's sentence, starts with its name).
func sceneSVG(id string, cur, prev *scene.Scene, action string) string {
	var b strings.Builder
	y := 0
	// Nodes, perRow to a row.
	cols := min(max(len(cur.Nodes), 1), perRow)
	w := (sceneWidth - nodeGap*(cols-1)) / cols
	var body strings.Builder
	for row := 0; row*perRow < len(cur.Nodes); row++ {
		nodes := cur.Nodes[row*perRow : min(len(cur.Nodes), (row+1)*perRow)]
		h := nodeHead + podGap
		for _, n := range nodes {
			h = max(h, nodeHead+len(n.Pods)*(podHeight+podGap)+podGap)
		}
		for i, n := range nodes {
			drawNode(&body, n, prevNode(prev, n.Name), prev != nil, i*(w+nodeGap), y, w, h)
		}
		y += h + nodeGap
	}
	if len(cur.Unbound) > 0 {
		h := sectionHead + len(cur.Unbound)*(podHeight+podGap) + podGap
		fmt.Fprintf(&body, `<g class="unbound"><rect x="0" y="%d" width="%d" height="%d" rx="8" class="box pending-box"/>`, y, sceneWidth, h)
		text(&body, 10, y+18, "title", "Not bound to a node")
		for i, p := range cur.Unbound {
			drawPod(&body, p, prevPod(prevUnbound(prev), p), prev != nil, 10, y+sectionHead+i*(podHeight+podGap), min(sceneWidth-20, 320))
		}
		body.WriteString(`</g>`)
		y += h + nodeGap
	}
	if len(cur.Workloads) > 0 {
		text(&body, 0, y+14, "title", "Workloads")
		y += 22
		for i, wl := range cur.Workloads {
			changed := prev != nil && !containsWorkload(prev.Workloads, wl)
			x := (i % 3) * (sceneWidth / 3)
			if i > 0 && i%3 == 0 {
				y += rowHeight + podGap
			}
			cls := "workload"
			if wl.Ready < wl.Desired {
				cls += " short"
			}
			if changed {
				cls += " changed"
			}
			fmt.Fprintf(&body, `<g class="%s"><rect x="%d" y="%d" width="%d" height="%d" rx="6"/>`, cls, x, y, sceneWidth/3-10, rowHeight)
			text(&body, x+8, y+17, "", fmt.Sprintf("%s %s: %d/%d ready", wl.Kind, wl.Name, wl.Ready, wl.Desired))
			body.WriteString(`</g>`)
		}
		y += rowHeight + nodeGap
	}
	if len(cur.Controllers) > 0 {
		text(&body, 0, y+14, "title", fmt.Sprintf("Controllers (latest revision %d)", cur.Revision))
		y += 22
	}
	for _, c := range cur.Controllers {
		cls := "controller"
		if c.Down {
			cls += " down"
		}
		if prev != nil && strings.HasPrefix(action, c.Name+" ") {
			cls += " changed"
		}
		read := c.Read
		if c.Down {
			read = "node down"
		}
		fmt.Fprintf(&body, `<g class="%s"><rect x="0" y="%d" width="%d" height="%d" rx="4"/>`, cls, y, sceneWidth, rowHeight-4)
		text(&body, 8, y+15, "", c.Name)
		text(&body, 230, y+15, "read", "read: "+read)
		body.WriteString(`</g>`)
		y += rowHeight
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" id="%s" role="img" aria-label="The cluster" viewBox="-2 -2 %d %d" width="100%%" style="max-width:%dpx">`, id, sceneWidth+4, y+4, sceneWidth+4)
	b.WriteString(body.String())
	b.WriteString(`</svg>`)
	return b.String()
}

// drawNode draws a node box; before is the same node in the previous picture, if any, and
// compare says whether there is a previous picture.
func drawNode(b *strings.Builder, n scene.Node, before *scene.Node, compare bool, x, y, w, h int) {
	cls, status := "node", "Ready"
	switch {
	case n.Down:
		cls, status = "node down", "crashed"
	case !n.Ready:
		cls, status = "node notready", "no Node object, or not Ready"
	}
	if before != nil && (before.Down != n.Down || before.Ready != n.Ready) {
		cls += " changed"
	}
	fmt.Fprintf(b, `<g class="%s" data-node="%s"><rect x="%d" y="%d" width="%d" height="%d" rx="8" class="box"/>`, cls, html.EscapeString(n.Name), x, y, w, h)
	text(b, x+10, y+20, "title", n.Name)
	text(b, x+10, y+37, "status", status)
	for i, p := range n.Pods {
		var was *scene.Pod
		if before != nil {
			was = prevPod(before.Pods, p)
		}
		drawPod(b, p, was, compare, x+10, y+nodeHead+i*(podHeight+podGap), w-20)
	}
	b.WriteString(`</g>`)
}

// drawPod draws a pod; before is the same pod (name and UID) in the previous picture, if any,
// and compare says whether there is a previous picture.
func drawPod(b *strings.Builder, p scene.Pod, before *scene.Pod, compare bool, x, y, w int) {
	phase := strings.ToLower(p.Phase)
	if phase == "" {
		phase = "gone"
	}
	cls := "pod " + phase
	var notes []string
	if p.Phase == "" {
		notes = append(notes, "no longer in the store")
	}
	switch {
	case p.Twice:
		cls += " twice"
		notes = append(notes, "runs on two nodes")
	case p.Running && !p.Bound:
		cls += " stale"
		notes = append(notes, "its containers run here")
	}
	if p.Terminating {
		cls += " terminating"
		notes = append(notes, "terminating")
	}
	status := p.Phase
	if p.Ready {
		status += " ✓"
	}
	if compare && (before == nil || *before != p) {
		cls += " changed"
	}
	fmt.Fprintf(b, `<g class="%s" data-pod="%s"><rect x="%d" y="%d" width="%d" height="%d" rx="5"/>`, cls, html.EscapeString(p.Name), x, y, w, podHeight)
	text(b, x+8, y+15, "", p.Name)
	text(b, x+w-8, y+15, "phase", status)
	text(b, x+8, y+30, "note", strings.Join(notes, ", "))
	b.WriteString(`</g>`)
}

func text(b *strings.Builder, x, y int, class, s string) {
	anchor := ""
	if s == "" {
		return
	}
	if class == "phase" {
		anchor = ` text-anchor="end"`
	}
	if class != "" {
		class = ` class="` + class + `"`
	}
	fmt.Fprintf(b, `<text x="%d" y="%d"%s%s>%s</text>`, x, y, class, anchor, html.EscapeString(s))
}

func prevNode(sc *scene.Scene, name string) *scene.Node {
	if sc == nil {
		return nil
	}
	for i := range sc.Nodes {
		if sc.Nodes[i].Name == name {
			return &sc.Nodes[i]
		}
	}
	return nil
}

func prevUnbound(sc *scene.Scene) []scene.Pod {
	if sc == nil {
		return nil
	}
	return sc.Unbound
}

func prevPod(pods []scene.Pod, p scene.Pod) *scene.Pod {
	for i := range pods {
		if pods[i].Name == p.Name && pods[i].UID == p.UID {
			return &pods[i]
		}
	}
	return nil
}

func containsWorkload(ws []scene.Workload, w scene.Workload) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}

// Timeline layout.
const (
	laneHeight = 44
	laneLabel  = 190 // the controller's name
	stepWidth  = 34
)

// timelineSVG draws the reads of a trace: one lane per controller that read, time (the step)
// from left to right, the latest revision as a line in every lane and each read as a mark at
// the revision it read (one per cache under per-kind caches), a stale read in red with its
// distance to the line; the selected step is shaded.
func timelineSVG(tr []checker.TraceStep, selected int) string {
	type mark struct {
		step   int
		rev    int64
		latest int64
		kind   string
	}
	var lanes []string
	marks := map[string][]mark{} // only looked up
	latest := make([]int64, len(tr))
	lo, hi := int64(1), int64(1)
	for i := range tr {
		if sc := decodeScene(tr[i].Scene); sc != nil {
			latest[i] = sc.Revision
			hi = max(hi, sc.Revision)
		}
		r := decodeRead(tr[i].Read)
		if r == nil {
			continue
		}
		if !slices.Contains(lanes, r.Controller) {
			lanes = append(lanes, r.Controller)
		}
		for _, k := range r.Reads {
			marks[r.Controller] = append(marks[r.Controller], mark{i, k.Rev, r.Latest, k.Kind})
			lo = min(lo, k.Rev)
		}
	}
	if len(lanes) == 0 {
		return ""
	}
	slices.Sort(lanes)
	width := laneLabel + stepWidth*len(tr) + 10
	height := 24 + laneHeight*len(lanes)
	yOf := func(lane int, rev int64) float64 { // the lane's band, revisions lo..hi from bottom to top
		top := float64(24 + lane*laneHeight + 6)
		span := float64(laneHeight - 14)
		if hi == lo {
			return top + span/2
		}
		return top + span*float64(hi-rev)/float64(hi-lo)
	}
	xOf := func(step int) float64 { return float64(laneLabel + step*stepWidth + stepWidth/2) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" id="timeline" role="img" aria-label="Timeline of the reads" viewBox="0 0 %d %d" width="%d" height="%d">`, width, height, width, height)
	fmt.Fprintf(&b, `<rect class="selected-step" x="%d" y="0" width="%d" height="%d"/>`, laneLabel+selected*stepWidth, stepWidth, height)
	for i := range tr {
		text(&b, int(xOf(i))-4, 14, "step", fmt.Sprint(i))
	}
	for l, name := range lanes {
		y := 24 + l*laneHeight
		fmt.Fprintf(&b, `<g class="lane" data-controller="%s"><line class="lane-rule" x1="0" y1="%d" x2="%d" y2="%d"/>`, html.EscapeString(name), y+laneHeight, width, y+laneHeight)
		text(&b, 4, y+laneHeight/2+4, "", name)
		var pts []string
		for i := range tr {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", xOf(i), yOf(l, latest[i])))
		}
		fmt.Fprintf(&b, `<polyline class="latest" points="%s"/>`, strings.Join(pts, " "))
		for _, mk := range marks[name] {
			cls := "read"
			title := fmt.Sprintf("step %d: read %s at revision %d (latest %d)", mk.step, mk.kind, mk.rev, mk.latest)
			if mk.kind == "*" {
				title = fmt.Sprintf("step %d: read revision %d (latest %d)", mk.step, mk.rev, mk.latest)
			}
			x, yr := xOf(mk.step), yOf(l, mk.rev)
			if mk.rev < mk.latest {
				cls += " stale"
				fmt.Fprintf(&b, `<line class="lag" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, x, yOf(l, mk.latest), x, yr)
			}
			fmt.Fprintf(&b, `<circle class="%s" data-step="%d" cx="%.1f" cy="%.1f" r="4"><title>%s</title></circle>`, cls, mk.step, x, yr, html.EscapeString(title))
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// storeOnly is the part of a picture a controller's view can show, to compare with what it
// saw: the store's objects, without the containers the kubelets run and the controllers.
func storeOnly(sc *scene.Scene) scene.Scene {
	out := scene.Scene{Revision: sc.Revision, Unbound: sc.Unbound, Workloads: sc.Workloads}
	for _, n := range sc.Nodes {
		m := scene.Node{Name: n.Name, Ready: n.Ready}
		for _, p := range n.Pods {
			if p.Bound {
				p.Running, p.Twice = false, false
				m.Pods = append(m.Pods, p)
			}
		}
		out.Nodes = append(out.Nodes, m)
	}
	return out
}
