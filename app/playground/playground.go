package playground

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/catalog"
	"github.com/themelios/themelios/wasm/protocol"
)

// DefaultTarget is the scenario the playground opens with.
const DefaultTarget = "replicaset/spec-replicas-change"

// Playground is the playground page: scenario controls, a check in a worker, its results and a
// counterexample stepper.
type Playground struct {
	app.Compo

	target    string
	values    []string // the target's parameter values, by Entry.Params index
	strategy  string
	maxStates string
	maxDepth  string
	timeout   string // seconds
	seed      string

	runner   runner
	running  bool
	runID    int
	progress *protocol.Progress
	report   *checker.Report
	err      string

	prop        int // selected property (index in report.Properties), -1 for none
	step        int // selected trace step
	changesOnly bool
}

// OnInit sets the defaults.
func (p *Playground) OnInit() {
	p.strategy, p.maxStates, p.maxDepth, p.timeout, p.seed = "bfs", strconv.Itoa(protocol.DefaultMaxStates), "0", "60", "0"
	p.selectTarget(DefaultTarget)
	p.runner = newRunner()
}

// OnMount listens to the keyboard for the trace stepper (←/→ and j/k).
func (p *Playground) OnMount(ctx app.Context) {
	app.Window().Call("addEventListener", "keydown", app.FuncOf(func(_ app.Value, args []app.Value) any {
		if len(args) == 0 {
			return nil
		}
		key := args[0].Get("key").String()
		tag := strings.ToLower(args[0].Get("target").Get("tagName").String())
		if tag == "input" || tag == "select" || tag == "textarea" {
			return nil
		}
		ctx.Dispatch(func(ctx app.Context) { p.key(key) })
		return nil
	}))
}

// entry returns the selected catalog entry.
func (p *Playground) entry() catalog.Entry {
	e, _ := catalog.Lookup(p.target)
	return e
}

func (p *Playground) selectTarget(name string) {
	e, ok := catalog.Lookup(name)
	if !ok {
		return
	}
	p.target = name
	p.values = make([]string, len(e.Params))
	for i, par := range e.Params {
		p.values[i] = par.Default
	}
	p.report, p.progress, p.err = nil, nil, ""
}

// request builds the check request from the controls, or says what is wrong with them.
func (p *Playground) request() (protocol.Request, error) {
	var bad []string
	num := func(name, v string, bits int) int64 {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, bits)
		if err != nil || n < 0 {
			bad = append(bad, fmt.Sprintf("%s must be a whole number >= 0", name))
		}
		return n
	}
	req := protocol.Request{Type: protocol.TypeCheck, ID: p.runID + 1, Target: p.target, Strategy: p.strategy,
		MaxStates: num("max states", p.maxStates, 64), MaxDepth: int(num("max depth", p.maxDepth, 32)),
		TimeoutMS: num("time limit", p.timeout, 32) * 1000, Seed: uint64(num("seed", p.seed, 64))}
	for i, par := range p.entry().Params {
		req.Sets = append(req.Sets, par.Name+"="+p.values[i])
	}
	if _, err := p.entry().Resolve(req.Sets); err != nil {
		bad = append(bad, err.Error())
	}
	if len(bad) > 0 {
		return req, fmt.Errorf("%s", strings.Join(bad, "; "))
	}
	return req, nil
}

// run starts a check.
func (p *Playground) run(ctx app.Context) {
	req, err := p.request()
	if err != nil {
		p.err = err.Error()
		return
	}
	p.runID = req.ID
	p.running, p.progress, p.report, p.err, p.prop, p.step = true, nil, nil, "", -1, 0
	p.runner.start(ctx, req, p.receive)
}

// receive handles a message from the worker.
func (p *Playground) receive(_ app.Context, r protocol.Response) {
	if r.ID != p.runID && r.ID != 0 {
		return
	}
	switch r.Type {
	case protocol.TypeProgress:
		p.progress = r.Progress
	case protocol.TypeResult:
		p.running, p.report = false, r.Report
		p.prop = -1
		for i, pr := range r.Report.Properties {
			if pr.Trace != nil && (p.prop < 0 || pr.Status == "violated" && r.Report.Properties[p.prop].Status != "violated") {
				p.prop = i
			}
		}
		p.step = 0
	case protocol.TypeError:
		p.running, p.err = false, r.Error
	}
}

func (p *Playground) cancel() {
	if p.running {
		p.runner.cancel()
		p.running = false
		p.err = "cancelled"
	}
}

// trace returns the selected property's trace.
func (p *Playground) trace() []checker.TraceStep {
	if p.report == nil || p.prop < 0 || p.prop >= len(p.report.Properties) {
		return nil
	}
	return p.report.Properties[p.prop].Trace
}

// key moves through the trace: ←/k back, →/j forward.
func (p *Playground) key(k string) {
	n := len(p.trace())
	switch k {
	case "ArrowRight", "j":
		if p.step+1 < n {
			p.step++
		}
	case "ArrowLeft", "k":
		if p.step > 0 {
			p.step--
		}
	}
}

// CLI returns the equivalent themelios command line.
func (p *Playground) CLI() string {
	parts := []string{"themelios check", p.target}
	e := p.entry()
	for i, par := range e.Params {
		if p.values[i] != par.Default {
			parts = append(parts, "--set "+par.Name+"="+p.values[i])
		}
	}
	if p.strategy != "bfs" {
		parts = append(parts, "--strategy "+p.strategy)
		if p.strategy == "simulate" {
			parts = append(parts, "--seed "+p.seed)
		}
	}
	if p.maxDepth != "0" {
		parts = append(parts, "--max-depth "+p.maxDepth)
	}
	return strings.Join(parts, " ")
}
