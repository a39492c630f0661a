package targets

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/themelios/themelios/checker"
)

// LinkVersion is the permalink format's version.
const LinkVersion = 1

// Limits on untrusted links.
const (
	maxFragment = 16 << 10 // bytes of URL fragment
	maxJSON     = 64 << 10 // bytes of inflated scenario JSON
)

// MaxSteps bounds a link's trace, in steps (the worker's requests about a run too).
const MaxSteps = 10000

// Link is what a permalink carries: a target with its settings and check options, and
// optionally a trace as action indices (see checker.Replay). docs/permalinks.md fixes its form:
// #s=<base64url(deflate(canonical JSON))>&t=<indices joined by '.'>; a lasso adds &l=<the
// index of the state its last step returns to>, a safety counterexample &p=<the property it
// violates> (query-escaped).
type Link struct {
	Version   int      `json:"v"`
	Target    string   `json:"target"`
	Sets      []string `json:"sets,omitempty"`
	Strategy  string   `json:"strategy,omitempty"`
	MaxStates int64    `json:"maxStates,omitempty"`
	MaxDepth  int      `json:"maxDepth,omitempty"`
	TimeoutS  int64    `json:"timeoutS,omitempty"`
	Seed      uint64   `json:"seed,omitempty"`
	Symmetry  bool     `json:"symmetry,omitempty"`
	KeepGoing bool     `json:"keepGoing,omitempty"`
	// Compare, for a side-by-side check, is the second side's settings (the first side's are
	// Sets); the playground compares sides that differ in one setting.
	Compare []string `json:"compare,omitempty"`
	Trace   []int    `json:"-"`
	Loop    *int     `json:"-"` // with Trace, for a lasso
	// Property, with a Trace that is not a lasso, is the safety property its last state
	// violates, as the check that found it named it: the playground titles the trace with it
	// once the replayed last state does violate it.
	Property string `json:"-"`
}

// WithTrace returns l carrying property pr's trace: its path, its loop for a lasso, and its
// LinkProperty.
func (l Link) WithTrace(pr *checker.PropertyReport) Link {
	l.Trace, l.Loop, l.Property = pr.Path, pr.Loop, LinkProperty(pr)
	return l
}

// LinkProperty is the property a link names with pr's trace: pr's name for a violated
// property's trace that is not a lasso, else "".
func LinkProperty(pr *checker.PropertyReport) string {
	if pr.Loop == nil && pr.Status == checker.Violated.String() {
		return pr.Name
	}
	return ""
}

// maxProperty bounds a link's property name, in bytes.
const maxProperty = 500

// Fragment encodes the link as a URL fragment (without the '#').
func (l Link) Fragment() string {
	l.Version = LinkVersion
	data, _ := json.Marshal(l) // canonical: fields in declaration order, no map
	var z bytes.Buffer
	w, _ := flate.NewWriter(&z, flate.BestCompression)
	w.Write(data)
	w.Close()
	f := "s=" + base64.RawURLEncoding.EncodeToString(z.Bytes())
	if l.Trace != nil {
		idx := make([]string, len(l.Trace))
		for i, x := range l.Trace {
			idx[i] = strconv.Itoa(x)
		}
		f += "&t=" + strings.Join(idx, ".")
		if l.Loop != nil {
			f += "&l=" + strconv.Itoa(*l.Loop)
		} else if l.Property != "" && len(l.Trace) > 0 { // "t=" reads as no trace
			f += "&p=" + url.QueryEscape(l.Property)
		}
	}
	return f
}

// ParseLink decodes and validates a permalink fragment (with or without the leading '#', or a
// whole URL). Errors say what is wrong; a link never makes it panic or hang.
func ParseLink(fragment string) (Link, error) {
	if i := strings.IndexByte(fragment, '#'); i >= 0 {
		fragment = fragment[i+1:]
	}
	if len(fragment) > maxFragment {
		return Link{}, fmt.Errorf("the link is too long (%d bytes)", len(fragment))
	}
	q, err := url.ParseQuery(fragment)
	if err != nil {
		return Link{}, fmt.Errorf("the link is malformed: %v", err)
	}
	enc := q.Get("s")
	if enc == "" {
		return Link{}, fmt.Errorf("the link names no scenario (no s=)")
	}
	z, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return Link{}, fmt.Errorf("the link is damaged or cut short: its scenario (s=) is not base64url (%v)", err)
	}
	data, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(z)), maxJSON+1))
	if err != nil {
		return Link{}, fmt.Errorf("the link is damaged or cut short: its scenario (s=) is not deflate data (%v)", err)
	}
	if len(data) > maxJSON {
		return Link{}, fmt.Errorf("the link's scenario is too large")
	}
	var l Link
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		// encoding/json words a field DisallowUnknownFields refuses as `json: unknown field "x"`.
		if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return Link{}, fmt.Errorf("the link's scenario has a field this playground does not read (%s): it may come from a newer version", field)
		}
		return Link{}, fmt.Errorf("the link is damaged or cut short: its scenario (s=) is not valid JSON (%v)", err)
	}
	if l.Version != LinkVersion {
		return Link{}, fmt.Errorf("the link has format version %d; this playground reads version %d", l.Version, LinkVersion)
	}
	if err := l.validate(); err != nil {
		return Link{}, err
	}
	if t := q.Get("t"); t != "" {
		parts := strings.Split(t, ".")
		if len(parts) > MaxSteps {
			return Link{}, fmt.Errorf("the link's trace is too long (%d steps)", len(parts))
		}
		for _, p := range parts {
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n > 1<<20 {
				return Link{}, fmt.Errorf("the link's trace has a bad step %q", p)
			}
			l.Trace = append(l.Trace, n)
		}
	}
	if s := q.Get("l"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n >= len(l.Trace) {
			return Link{}, fmt.Errorf("the link's loop %q is not a state of its trace before the last", s)
		}
		l.Loop = &n
	}
	if q.Has("p") {
		l.Property = q.Get("p")
		switch {
		case l.Trace == nil:
			return Link{}, fmt.Errorf("the link names a property (p=) but carries no trace (t=)")
		case l.Loop != nil:
			return Link{}, fmt.Errorf("the link names a property (p=) for a lasso (l=): only a trace that ends in a violation names one")
		case l.Property == "" || len(l.Property) > maxProperty || !utf8.ValidString(l.Property) || strings.ContainsFunc(l.Property, unicode.IsControl):
			return Link{}, fmt.Errorf("the link's property (p=) is not a property's name")
		}
	}
	return l, nil
}

// validate checks the target, its settings and the options.
func (l Link) validate() error {
	e, ok := Lookup(l.Target)
	if !ok {
		return fmt.Errorf("the link names an unknown scenario %q", l.Target)
	}
	if _, err := e.Resolve(l.Sets); err != nil {
		return fmt.Errorf("the link's settings are invalid: %v", err)
	}
	if l.Compare != nil {
		if _, err := e.Resolve(l.Compare); err != nil {
			return fmt.Errorf("the link's second side's settings are invalid: %v", err)
		}
	}
	if l.Strategy != "" {
		if _, err := checker.ParseStrategy(l.Strategy); err != nil {
			return fmt.Errorf("the link's strategy is invalid: %v", err)
		}
	}
	if l.MaxStates < 0 || l.MaxDepth < 0 || l.TimeoutS < 0 {
		return fmt.Errorf("the link's budgets must not be negative")
	}
	return nil
}
