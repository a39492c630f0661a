// Package protocol is the message format between the playground page and the checker running
// in a Web Worker: JSON objects passed with postMessage. It is plain Go, so that both sides,
// and native tests, share it; Decode functions validate untrusted input.
package protocol

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/targets"
)

// Message types.
const (
	TypeCheck    = "check"    // page → worker: run a check
	TypeReady    = "ready"    // worker → page: loaded, waiting for a check
	TypeProgress = "progress" // worker → page: a progress snapshot
	TypeResult   = "result"   // worker → page: the check's report
	TypeError    = "error"    // worker → page: the request was refused
	// TypeCancel, page → worker: stop the running check and report what it found so far (a
	// result whose report says the search was interrupted).
	TypeCancel = "cancel"
	// Requests about one run of the model (Path, from the first initial state), which the page
	// makes of a worker of its own, answered by one message each (TypeExplored, TypeDOT or
	// TypeError), so that the page itself links no model:
	TypeExplore  = "explore"  // the run's steps, rendered, and the actions enabled at its end
	TypeChoices  = "choices"  // the actions enabled after the run's first Step steps
	TypeGraph    = "graph"    // the DOT of the run and every state one step from it (Loop: a lasso's)
	TypeExplored = "explored" // worker → page: the answer to explore and choices
	TypeDOT      = "dot"      // worker → page: the answer to graph
)

// IsCancel reports whether a message to the worker asks it to stop the running check.
func IsCancel(data []byte) bool {
	var m struct {
		Type string `json:"type"`
	}
	return json.Unmarshal(data, &m) == nil && m.Type == TypeCancel
}

// Limits that keep a browser tab responsive and under 1 GiB.
const (
	DefaultMaxStates = 200000
	MaxMaxStates     = 5000000
	DefaultTimeout   = 60 * time.Second
	MaxTimeout       = 10 * time.Minute
	// MemoryLimit is the worker's soft memory limit (runtime/debug.SetMemoryLimit), in bytes:
	// the garbage collector works harder past it.
	MemoryLimit = 768 << 20
	// MaxMemory is the memory past which a check in the worker stops, at the memory bound
	// (checker.Options.MaxMemory), in bytes.
	MaxMemory = 1 << 30
)

// Request asks the worker to check a target.
type Request struct {
	Type      string   `json:"type"`
	ID        int      `json:"id"`
	Target    string   `json:"target"`
	Sets      []string `json:"sets,omitempty"`
	Strategy  string   `json:"strategy"`
	MaxStates int64    `json:"maxStates"`
	MaxDepth  int      `json:"maxDepth"`
	TimeoutMS int64    `json:"timeoutMs"`
	Seed      uint64   `json:"seed"`
	// KeepGoing explores on after a violation.
	KeepGoing bool `json:"keepGoing,omitempty"`
	// Graph captures the explored state graph, up to GraphNodes nodes.
	Graph bool `json:"graph,omitempty"`
	// Symmetry explores one state per orbit of the model's symmetry (checker.Options.Symmetry).
	Symmetry bool `json:"symmetry,omitempty"`
	// NoReduction explores every step, the covered ones too (checker.Options.NoReduction): the
	// raw state space, as the CLI's --reduction=false.
	NoReduction bool `json:"noReduction,omitempty"`
	// Path is, for explore, choices and graph, the run as action indices (checker.Replay).
	Path []int `json:"path,omitempty"`
	// Step is, for choices, how many of the run's steps to take before listing the actions.
	Step int `json:"step,omitempty"`
	// Loop is, for graph, the state a lasso's last step returns to (nil: none).
	Loop *int `json:"loop,omitempty"`
}

// MaxPath bounds a run's length in a request: a permalink's bound.
const MaxPath = targets.MaxSteps

// GraphNodes caps a captured state graph: Graphviz lays out a few hundred nodes in seconds.
const GraphNodes = 300

// Response is what the worker posts.
type Response struct {
	Type     string          `json:"type"`
	ID       int             `json:"id"`
	Progress *Progress       `json:"progress,omitempty"`
	Report   *checker.Report `json:"report,omitempty"`
	Error    string          `json:"error,omitempty"`
	Explored *Explored       `json:"explored,omitempty"`
	DOT      *DOT            `json:"dot,omitempty"`
}

// Explored answers explore and choices: the run's steps (explore only) and the actions enabled
// at its end, or after its first Step steps (choices).
type Explored struct {
	Steps []checker.TraceStep `json:"steps,omitempty"`
	Next  []checker.Choice    `json:"next"`
}

// DOT answers graph: the graph's DOT source (checker.Graph.WriteDOT) and its number of states.
type DOT struct {
	Source string `json:"source"`
	Nodes  int    `json:"nodes"`
}

// Progress is a progress snapshot.
type Progress struct {
	States    int64   `json:"states"`
	Unique    int64   `json:"unique"`
	Depth     int     `json:"depth"`
	Queue     int64   `json:"queue"`
	Rate      float64 `json:"rate"`
	ElapsedMS int64   `json:"elapsedMs"`
	Liveness  int64   `json:"liveness,omitempty"` // states the liveness pass has expanded, once the search is over
}

// FromProgress converts a checker progress snapshot.
func FromProgress(p checker.Progress) *Progress {
	return &Progress{States: p.Generated, Unique: p.Unique, Depth: p.Depth, Queue: p.Queue, Rate: p.Rate, ElapsedMS: p.Elapsed.Milliseconds(), Liveness: p.Liveness}
}

// DecodeRequest parses and validates a request from the page. A request it refuses comes back
// with only its type and ID, so that the refusal can answer it.
func DecodeRequest(data []byte) (Request, error) {
	var r Request
	if err := json.Unmarshal(data, &r); err != nil {
		return Request{}, fmt.Errorf("not a request: %v", err)
	}
	var bad []string
	switch r.Type {
	case TypeExplore, TypeChoices, TypeGraph:
		if len(r.Path) > MaxPath {
			bad = append(bad, fmt.Sprintf("the path has more than %d steps", MaxPath))
		}
		for _, a := range r.Path {
			if a < 0 {
				bad = append(bad, "the path has a negative action index")
				break
			}
		}
		if r.Type == TypeChoices && (r.Step < 0 || r.Step > len(r.Path)) {
			bad = append(bad, fmt.Sprintf("step %d is not a step of the path (0 to %d)", r.Step, len(r.Path)))
		}
		if r.Loop != nil && (*r.Loop < 0 || *r.Loop >= max(len(r.Path), 1)) {
			bad = append(bad, fmt.Sprintf("loop %d is not a state of the path before its last", *r.Loop))
		}
	default:
		if r.Type != TypeCheck {
			bad = append(bad, fmt.Sprintf("type %q is not %q, %q, %q or %q", r.Type, TypeCheck, TypeExplore, TypeChoices, TypeGraph))
		}
		if _, err := checker.ParseStrategy(r.Strategy); err != nil {
			bad = append(bad, err.Error())
		}
	}
	if r.MaxStates < 0 || r.MaxStates > MaxMaxStates {
		bad = append(bad, fmt.Sprintf("maxStates must be from 0 to %d", MaxMaxStates))
	}
	if r.MaxDepth < 0 {
		bad = append(bad, "maxDepth must be >= 0")
	}
	if r.TimeoutMS < 0 || time.Duration(r.TimeoutMS)*time.Millisecond > MaxTimeout {
		bad = append(bad, fmt.Sprintf("timeoutMs must be from 0 to %d", MaxTimeout.Milliseconds()))
	}
	if _, ok := targets.Lookup(r.Target); !ok {
		bad = append(bad, fmt.Sprintf("unknown target %q", r.Target))
	}
	if len(bad) > 0 {
		return Request{Type: r.Type, ID: r.ID}, fmt.Errorf("bad request: %s", strings.Join(bad, "; "))
	}
	return r, nil
}

// Options are the checker options a request asks for, with the playground's defaults for
// unset budgets.
func (r Request) Options() checker.Options {
	s, _ := checker.ParseStrategy(r.Strategy)
	o := checker.Options{Strategy: s, MaxStates: r.MaxStates, MaxDepth: r.MaxDepth, Timeout: time.Duration(r.TimeoutMS) * time.Millisecond,
		Seed: r.Seed, KeepGoing: r.KeepGoing, MaxMemory: MaxMemory}
	if o.MaxStates == 0 {
		o.MaxStates = DefaultMaxStates
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if r.Graph {
		o.GraphLimit = GraphNodes
	}
	o.Symmetry, o.NoReduction = r.Symmetry, r.NoReduction
	return o
}

// DecodeResponse parses and validates a message from the worker.
func DecodeResponse(data []byte) (Response, error) {
	var r Response
	if err := json.Unmarshal(data, &r); err != nil {
		return Response{}, fmt.Errorf("not a worker message: %v", err)
	}
	switch r.Type {
	case TypeReady:
	case TypeProgress:
		if r.Progress == nil {
			return Response{}, fmt.Errorf("a progress message without progress")
		}
	case TypeResult:
		if r.Report == nil {
			return Response{}, fmt.Errorf("a result message without a report")
		}
	case TypeError:
		if r.Error == "" {
			return Response{}, fmt.Errorf("an error message without an error")
		}
	case TypeExplored:
		if r.Explored == nil {
			return Response{}, fmt.Errorf("an explored message without the run")
		}
	case TypeDOT:
		if r.DOT == nil {
			return Response{}, fmt.Errorf("a dot message without the graph")
		}
	default:
		return Response{}, fmt.Errorf("unknown worker message type %q", r.Type)
	}
	return r, nil
}

// Tutorial is a tutorial as the site serves it (web/tutorials/<slug>.json): Markdown rendered
// to HTML at build time, cut around its runnable scenario blocks.
type Tutorial struct {
	Slug   string  `json:"slug"`
	Title  string  `json:"title"`
	Blocks []Block `json:"blocks"`
}

// Block is a piece of a tutorial: HTML, or a runnable scenario.
type Block struct {
	HTML string     `json:"html,omitempty"`
	Run  *RunWidget `json:"run,omitempty"`
	// After, for text that explains a widget that asks for a prediction, is 1 + the index of
	// that widget's block: the page shows the text once the reader has run that check (0: always
	// shown).
	After int `json:"after,omitempty"`
}

// RunWidget is a scenario embedded in a tutorial, with the outcome its text predicts.
type RunWidget struct {
	Target    string   `json:"target"`
	Sets      []string `json:"sets,omitempty"`
	MaxStates int64    `json:"maxStates,omitempty"`
	// NoSymmetry checks every state of an orbit (by default, one state per orbit:
	// Request.Symmetry, the same verdict and trace length, fewer states).
	NoSymmetry bool `json:"noSymmetry,omitempty"`
	// Expect is "all hold", or "violated: PROPERTY after N steps" (for a lasso, followed by
	// ", then steps K–N repeat forever").
	Expect string `json:"expect"`
	// Ask, when set, is the question the reader answers before the check may run: will some run
	// break a property, or will every property hold? (Expect says which is right.)
	Ask string `json:"ask,omitempty"`
}

// Breaks reports whether the widget's claim is that some run breaks a property.
func (w RunWidget) Breaks() bool { return strings.HasPrefix(w.Expect, "violated") }

// Request is the check the widget runs, as request id: BFS, with the widget's state bound (the
// worker's default when it has none).
func (w RunWidget) Request(id int) Request {
	return Request{Type: TypeCheck, ID: id, Target: w.Target, Sets: w.Sets, Strategy: "bfs", MaxStates: w.MaxStates, Symmetry: !w.NoSymmetry}
}

// Command is the themelios command line of the widget's check: "themelios check TARGET", a
// --set per setting and the state bound when the widget has one.
func (w RunWidget) Command() string {
	parts := []string{"themelios check", w.Target}
	for _, s := range w.Sets {
		parts = append(parts, "--set "+s)
	}
	if w.NoSymmetry {
		parts = append(parts, "--symmetry=false")
	}
	if w.MaxStates > 0 {
		parts = append(parts, "--max-states "+strconv.FormatInt(w.MaxStates, 10))
	}
	return strings.Join(parts, " ")
}

// Outcome words a report the way RunWidget.Expect does.
func Outcome(r *checker.Report) string {
	if p := r.Counterexample(); p != nil {
		out := fmt.Sprintf("violated: %s after %d steps", p.Name, len(p.Trace)-1)
		if p.Loop != nil {
			out += fmt.Sprintf(", then steps %d–%d repeat forever", *p.Loop+1, len(p.Trace)-1)
		}
		return out
	}
	if r.Complete {
		return "all hold"
	}
	return fmt.Sprintf("none found: %s after %s states", r.Extent(), checker.Thousands(r.Unique))
}

// DecodeTutorial parses and validates a tutorial document.
func DecodeTutorial(data []byte) (Tutorial, error) {
	var t Tutorial
	if err := json.Unmarshal(data, &t); err != nil {
		return Tutorial{}, fmt.Errorf("not a tutorial: %v", err)
	}
	if t.Slug == "" || t.Title == "" {
		return Tutorial{}, fmt.Errorf("a tutorial without a slug or title")
	}
	for i, b := range t.Blocks {
		if b.Run != nil {
			if _, ok := targets.Lookup(b.Run.Target); !ok {
				return Tutorial{}, fmt.Errorf("block %d: unknown scenario %q", i, b.Run.Target)
			}
		}
	}
	return t, nil
}
