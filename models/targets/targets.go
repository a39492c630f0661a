// Package targets lists what can be checked, the built-in models and scenarios, with their
// parameters, and reads and writes permalinks to them. It holds no model (package catalog builds
// them), so that the playground's page links none: its list is generated from the catalog
// (go generate; a test of package catalog fails when it is stale).
package targets

//go:generate go run ./internal/gen -o builtin.go

import (
	"fmt"
	"strconv"
	"strings"
)

// Param is a parameter of a target, set with --set name=value. It is an integer from Min to
// Max unless Choices lists the values it may take, or Check validates it; a parameter with none
// of these (Free) takes any value here, and its model checks it when it is built.
type Param struct {
	Name     string
	Help     string
	Default  string
	Min, Max int
	Choices  []string
	Check    func(string) error
}

// WithDefault is the parameter with default d.
func (p Param) WithDefault(d string) Param {
	p.Default = d
	return p
}

// withDefaults is params with the defaults given, in order.
func withDefaults(params []Param, defaults ...string) []Param {
	out := make([]Param, len(params))
	for i, p := range params {
		out[i] = p.WithDefault(defaults[i])
	}
	return out
}

// Free reports whether the parameter's values are checked only when its model is built.
func (p Param) Free() bool { return p.Check == nil && len(p.Choices) == 0 && p.Min == 0 && p.Max == 0 }

// check validates a value.
func (p Param) check(v string) error {
	switch {
	case p.Check != nil:
		return p.Check(v)
	case len(p.Choices) > 0:
		for _, c := range p.Choices {
			if v == c {
				return nil
			}
		}
		return fmt.Errorf("%s must be one of %s, not %q", p.Name, strings.Join(p.Choices, ", "), v)
	case p.Free():
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < p.Min || n > p.Max {
		return fmt.Errorf("%s must be an integer from %d to %d, not %q", p.Name, p.Min, p.Max, v)
	}
	return nil
}

// Values are a target's parameters, resolved and validated.
type Values struct {
	v map[string]string // only looked up, never iterated
}

// Int returns an integer parameter (validated by Resolve).
func (v Values) Int(name string) int {
	n, _ := strconv.Atoi(v.v[name])
	return n
}

// String returns a parameter's value.
func (v Values) String(name string) string { return v.v[name] }

// Entry is a built-in model or scenario.
type Entry struct {
	Name    string
	Summary string
	Params  []Param
	// MaxStates is the state bound to use when none is given (0: none): the scenario's
	// space is too large to explore under its defaults.
	MaxStates int64
}

// Resolve applies "name=value" settings over the defaults, reporting every bad one at once.
func (e Entry) Resolve(sets []string) (Values, error) {
	vals := Values{v: map[string]string{}}
	for _, p := range e.Params {
		vals.v[p.Name] = p.Default
	}
	var bad []string
	for _, s := range sets {
		name, value, ok := strings.Cut(s, "=")
		p, known := e.param(name)
		switch {
		case !ok:
			bad = append(bad, fmt.Sprintf("%q is not name=value", s))
		case !known:
			bad = append(bad, fmt.Sprintf("%s has no parameter %q (it has: %s)", e.Name, name, e.paramNames()))
		default:
			if err := p.check(value); err != nil {
				bad = append(bad, err.Error())
			} else {
				vals.v[name] = value
			}
		}
	}
	if len(bad) > 0 {
		return Values{}, fmt.Errorf("%s", strings.Join(bad, "; "))
	}
	return vals, nil
}

func (e Entry) param(name string) (Param, bool) {
	for _, p := range e.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

func (e Entry) paramNames() string {
	if len(e.Params) == 0 {
		return "none"
	}
	var names []string
	for _, p := range e.Params {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// Describe returns "name=value" for every parameter, in declaration order (for output).
func (e Entry) Describe(v Values) string {
	var parts []string
	for _, p := range e.Params {
		parts = append(parts, p.Name+"="+v.String(p.Name))
	}
	return strings.Join(parts, " ")
}

// All returns the built-in targets sorted by name: the classic models, then the built-in
// scenarios (without validators: Free parameters are checked when their model is built).
func All() []Entry { return builtin }

// Lookup finds a built-in target by name.
func Lookup(name string) (Entry, bool) {
	for _, e := range builtin {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}
