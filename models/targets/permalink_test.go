package targets

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"reflect"
	"strings"
	"testing"

	"github.com/themelios/themelios/checker"
)

func TestLinkRoundTrip(t *testing.T) {
	l := Link{Target: "replicaset/overlapping", Sets: []string{"consistency=causal", "controllers=2"}, Strategy: "bfs",
		MaxStates: 1000, MaxDepth: 9, TimeoutS: 30, Seed: 4, Compare: []string{"consistency=synchronous", "controllers=2"}, Trace: []int{0, 3, 1}}
	f := l.Fragment()
	if !strings.HasPrefix(f, "s=") || !strings.HasSuffix(f, "&t=0.3.1") {
		t.Fatalf("fragment %q", f)
	}
	for _, in := range []string{f, "#" + f, "http://127.0.0.1:8080/#" + f} {
		got, err := ParseLink(in)
		l.Version = LinkVersion
		if err != nil || !reflect.DeepEqual(got, l) {
			t.Fatalf("%q: %+v %v", in, got, err)
		}
	}
	// A lasso keeps its loop.
	loop := 1
	l.Loop = &loop
	if got, err := ParseLink(l.Fragment()); err != nil || !strings.HasSuffix(l.Fragment(), "&t=0.3.1&l=1") || got.Loop == nil || *got.Loop != 1 {
		t.Fatalf("lasso: %+v %v", got, err)
	}
	// A safety counterexample names its property, spaces and all; a lasso does not.
	l.Loop, l.Property = nil, "a pod identity runs on at most one node (Kubernetes #59848) & more"
	f = l.Fragment()
	if got, err := ParseLink(f); err != nil || !strings.HasSuffix(f, "&t=0.3.1&p=a+pod+identity+runs+on+at+most+one+node+%28Kubernetes+%2359848%29+%26+more") || got.Property != l.Property {
		t.Fatalf("property: %q gives %+v %v", f, got, err)
	}
	// A violation in an initial state (no step) opens without a trace, as before: no p= then.
	if f := (Link{Target: "classic/die-hard", Trace: []int{}, Property: "x"}).Fragment(); strings.Contains(f, "&p=") {
		t.Fatalf("a trace without steps names its property: %q", f)
	} else if _, err := ParseLink(f); err != nil {
		t.Fatalf("%q: %v", f, err)
	}
	// The same link encodes the same way.
	if (Link{Target: "classic/die-hard"}).Fragment() != (Link{Target: "classic/die-hard"}).Fragment() {
		t.Fatal("encoding is not deterministic")
	}
}

func deflated(json string) string {
	var z bytes.Buffer
	w, _ := flate.NewWriter(&z, flate.BestCompression)
	w.Write([]byte(json))
	w.Close()
	return "s=" + base64.RawURLEncoding.EncodeToString(z.Bytes())
}

func TestBadLinks(t *testing.T) {
	cases := map[string]string{
		"":       "no scenario",
		"t=1.2":  "no scenario",
		"s=%zz":  "malformed",
		"s=!!!!": "not base64url",
		"s=AAAA": "not deflate",
		deflated(`{"v":1,"target":"classic/die-hard","colour":1}`):                   `a field this playground does not read ("colour")`,
		deflated(`{"v":1,"target":"classic/die-hard"`):                               "not valid JSON",
		deflated(`{"v":2,"target":"classic/die-hard"}`):                              "format version 2",
		deflated(`{"v":1,"target":"nope"}`):                                          "unknown scenario",
		deflated(`{"v":1,"target":"classic/two-phase-commit","sets":["rms=0"]}`):     "settings are invalid",
		deflated(`{"v":1,"target":"classic/die-hard","strategy":"astar"}`):           "strategy is invalid",
		deflated(`{"v":1,"target":"classic/two-phase-commit","compare":["rms=0"]}`):  "second side's settings are invalid",
		deflated(`{"v":1,"target":"classic/die-hard","maxDepth":-1}`):                "negative",
		deflated(`{"v":1,"target":"classic/die-hard"}`) + "&t=1.x":                   "bad step",
		deflated(`{"v":1,"target":"classic/die-hard"}`) + "&t=-1":                    "bad step",
		deflated(`{"v":1,"target":"classic/die-hard"}`) + "&t=1.2&l=2":               "loop",
		deflated(`{"v":1,"target":"classic/die-hard"}`) + "&l=0":                     "loop",
		deflated(`{"v":1,"target":"classic/die-hard"}`) + "&t=1&l=x":                 "loop",
		deflated(`{"v":1,"target":"classic/die-hard"}`) + strings.Repeat("x", 20000): "too long",
		deflated(strings.Repeat(" ", 100000) + `{"v":1}`):                            "too large",
	}
	dieHard := deflated(`{"v":1,"target":"classic/die-hard"}`)
	cases[dieHard+"&p=x"] = "carries no trace"
	cases[dieHard+"&t=1.2&l=0&p=x"] = "for a lasso"
	cases[dieHard+"&t=1.2&p="] = "not a property's name"
	cases[dieHard+"&t=1.2&p=a%00b"] = "not a property's name"
	cases[dieHard+"&t=1.2&p=%ff"] = "not a property's name"
	cases[dieHard+"&t=1.2&p="+strings.Repeat("x", 501)] = "not a property's name"
	for in, want := range cases {
		if _, err := ParseLink(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.60q: %v, want an error with %q", in, err, want)
		}
	}
}

func FuzzParseLink(f *testing.F) {
	f.Add(Link{Target: "classic/die-hard", Trace: []int{1, 5}}.Fragment())
	f.Add(Link{Target: "replicaset/overlapping", Sets: []string{"consistency=optimistic"}}.Fragment())
	f.Add("s=&t=")
	f.Add(Link{Target: "pod/restart-loop", Trace: []int{0, 0, 1, 2}, Loop: new(int)}.Fragment())
	f.Add("#s=AAAA&t=1.2.3")
	f.Add(Link{Target: "classic/die-hard", Trace: []int{1, 5}, Property: "big is not 4"}.Fragment())
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLink(s)
		if err != nil {
			return
		}
		if _, ok := Lookup(l.Target); !ok {
			t.Fatalf("accepted an unknown target %q", l.Target)
		}
		if again, err := ParseLink(l.Fragment()); err != nil || again.Target != l.Target || len(again.Trace) != len(l.Trace) || again.Property != l.Property {
			t.Fatalf("re-encoding %+v: %+v %v", l, again, err)
		}
	})
}

// WithTrace carries a trace, and names the property only for a violation that is not a lasso.
func TestWithTrace(t *testing.T) {
	loop := 2
	for _, c := range []struct {
		pr   checker.PropertyReport
		want string
	}{
		{checker.PropertyReport{Name: "safe", Status: "violated", Path: []int{0, 1}}, "safe"},
		{checker.PropertyReport{Name: "live", Status: "violated", Path: []int{0, 1, 2}, Loop: &loop}, ""},
		{checker.PropertyReport{Name: "reached", Status: "holds", Path: []int{0}}, ""},
	} {
		l := Link{Target: "classic/die-hard", Property: "stale"}.WithTrace(&c.pr)
		if l.Property != c.want || !reflect.DeepEqual(l.Trace, c.pr.Path) || l.Loop != c.pr.Loop {
			t.Errorf("%s %s: %+v, want the property %q", c.pr.Name, c.pr.Status, l, c.want)
		}
	}
}
