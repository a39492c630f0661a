package playground

import (
	"encoding/json"
	"fmt"
	"html"
	"strings"

	"github.com/themelios/themelios/models/orchestration"
)

// decodeScene reads a trace step's scene (checker.TraceStep.Scene), or nil when the model gave
// none or it does not parse.
func decodeScene(raw json.RawMessage) *orchestration.Scene {
	if len(raw) == 0 {
		return nil
	}
	var sc orchestration.Scene
	if json.Unmarshal(raw, &sc) != nil {
		return nil
	}
	return &sc
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
func sceneSVG(cur, prev *orchestration.Scene, action string) string {
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
	text(&body, 0, y+14, "title", fmt.Sprintf("Controllers (latest revision %d)", cur.Revision))
	y += 22
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
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" id="cluster" role="img" aria-label="The cluster at this step" viewBox="-2 -2 %d %d" width="100%%" style="max-width:%dpx">`, sceneWidth+4, y+4, sceneWidth+4)
	b.WriteString(body.String())
	b.WriteString(`</svg>`)
	return b.String()
}

// drawNode draws a node box; before is the same node in the previous picture, if any, and
// compare says whether there is a previous picture.
func drawNode(b *strings.Builder, n orchestration.SceneNode, before *orchestration.SceneNode, compare bool, x, y, w, h int) {
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
		var was *orchestration.ScenePod
		if before != nil {
			was = prevPod(before.Pods, p)
		}
		drawPod(b, p, was, compare, x+10, y+nodeHead+i*(podHeight+podGap), w-20)
	}
	b.WriteString(`</g>`)
}

// drawPod draws a pod; before is the same pod (name and UID) in the previous picture, if any,
// and compare says whether there is a previous picture.
func drawPod(b *strings.Builder, p orchestration.ScenePod, before *orchestration.ScenePod, compare bool, x, y, w int) {
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

func prevNode(sc *orchestration.Scene, name string) *orchestration.SceneNode {
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

func prevUnbound(sc *orchestration.Scene) []orchestration.ScenePod {
	if sc == nil {
		return nil
	}
	return sc.Unbound
}

func prevPod(pods []orchestration.ScenePod, p orchestration.ScenePod) *orchestration.ScenePod {
	for i := range pods {
		if pods[i].Name == p.Name && pods[i].UID == p.UID {
			return &pods[i]
		}
	}
	return nil
}

func containsWorkload(ws []orchestration.SceneWorkload, w orchestration.SceneWorkload) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}
