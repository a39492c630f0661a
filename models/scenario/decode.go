package scenario

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// node is a decoded YAML/JSON value with its field path, for errors that name the field.
type node struct {
	d    *decoder
	path string
	v    any
}

// decoder collects every problem of a document, so that all are reported at once. A lenient
// decoder (for plain Kubernetes manifests) reports fields the model does not read as warnings
// instead of errors.
type decoder struct {
	errs    []string
	lenient bool
	warns   []string
}

func (d *decoder) fail(path, format string, a ...any) {
	d.errs = append(d.errs, fmt.Sprintf("%s: %s", path, fmt.Sprintf(format, a...)))
}

func (n node) at(key string) string {
	if n.path == "" {
		return key
	}
	return n.path + "." + key
}

// object is a mapping whose fields are read one by one; done reports the unread ones.
type object struct {
	node
	m    map[string]any
	read map[string]bool // only looked up
}

func (n node) object() object {
	m, ok := n.v.(map[string]any)
	if !ok && n.v != nil {
		n.d.fail(n.path, "want a mapping, not %s", describe(n.v))
	}
	return object{node: n, m: m, read: map[string]bool{}}
}

// field returns the value of key (nil if absent).
func (o object) field(key string) node {
	o.read[key] = true
	return node{d: o.d, path: o.at(key), v: o.m[key]}
}

// noEffect reads a field the model accepts but does not use; a lenient decoder warns of it.
func (o object) noEffect(key, why string) {
	if o.field(key).v != nil && o.d.lenient {
		o.d.warns = append(o.d.warns, fmt.Sprintf("%s: has no effect (%s)", o.at(key), why))
	}
}

// has reports whether the mapping gives key. It counts as reading the field: done reports the
// fields not read, and names the read ones a misspelling may have meant.
func (o object) has(key string) bool {
	o.read[key] = true
	_, ok := o.m[key]
	return ok
}

// done reports every field that was not read, in order.
func (o object) done() {
	var keys []string
	for k := range o.m {
		if !o.read[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		hint := ""
		if known := o.closest(k); known != "" {
			hint = fmt.Sprintf(" (did you mean %s?)", known)
		}
		if o.d.lenient {
			o.d.warns = append(o.d.warns, o.at(k)+": not modelled, ignored"+hint)
		} else {
			o.d.fail(o.at(k), "unknown or unsupported field%s", hint)
		}
	}
}

// closest is the field the decoder reads that key misspells, if one is near enough: the same
// letters but for case, dashes and underscores (node-crash: nodeCrash), or at most two edits
// away (stalness: staleness); "" if none.
func (o object) closest(key string) string {
	fold := func(s string) string { return strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(s)) }
	best, bestDist := "", 3
	for known := range o.read {
		if _, present := o.m[known]; present {
			continue
		}
		d := editDistance(fold(key), fold(known))
		if d < bestDist || d == bestDist && known < best {
			best, bestDist = known, d
		}
	}
	if bestDist > 2 || bestDist > len(key)/3 && bestDist > 0 {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			sub := prev[j-1]
			if a[i-1] != b[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func (n node) str(def string) string {
	switch v := n.v.(type) {
	case nil:
		return def
	case string:
		return v
	}
	n.d.fail(n.path, "want a string, not %s", describe(n.v))
	return def
}

func (n node) integer(def int64) int64 {
	switch v := n.v.(type) {
	case nil:
		return def
	case float64:
		if v == float64(int64(v)) {
			return int64(v)
		}
	}
	n.d.fail(n.path, "want an integer, not %s", describe(n.v))
	return def
}

// count reads a non-negative count that Kubernetes writes as an integer or as a quantity
// string ("110", "1k": a Node's allocatable pods, as kubectl get -o yaml prints it).
func (n node) count() int64 {
	switch v := n.v.(type) {
	case nil:
		return 0
	case float64:
		if v == float64(int64(v)) && v >= 0 {
			return int64(v)
		}
	case string:
		digits, scale := v, int64(1)
		if d, ok := strings.CutSuffix(v, "k"); ok {
			digits, scale = d, 1000
		}
		if x, err := strconv.ParseInt(digits, 10, 64); err == nil && x >= 0 && digits[0] != '+' && x <= math.MaxInt64/scale {
			return x * scale
		}
	}
	n.d.fail(n.path, "want a count such as 110, not %s", describe(n.v))
	return 0
}

func (n node) boolean(def bool) bool {
	switch v := n.v.(type) {
	case nil:
		return def
	case bool:
		return v
	}
	n.d.fail(n.path, "want true or false, not %s", describe(n.v))
	return def
}

func (n node) list() []node {
	if n.v == nil {
		return nil
	}
	l, ok := n.v.([]any)
	if !ok {
		n.d.fail(n.path, "want a list, not %s", describe(n.v))
		return nil
	}
	out := make([]node, len(l))
	for i, v := range l {
		out[i] = node{d: n.d, path: fmt.Sprintf("%s[%d]", n.path, i), v: v}
	}
	return out
}

// stringMap reads a mapping of strings (labels), sorted by key.
func (n node) stringMap() [][2]string {
	o := n.object()
	var out [][2]string
	for k := range o.m {
		out = append(out, [2]string{k, o.field(k).str("")})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// milliCPU reads a CPU quantity: "2", "500m", 1.5.
func (n node) milliCPU() int64 {
	switch v := n.v.(type) {
	case nil:
		return 0
	case float64:
		return int64(v * 1000)
	case string:
		if m, ok := strings.CutSuffix(v, "m"); ok {
			if x, err := strconv.ParseInt(m, 10, 64); err == nil && x >= 0 {
				return x
			}
		} else if x, err := strconv.ParseFloat(v, 64); err == nil && x >= 0 {
			return int64(x * 1000)
		}
	}
	n.d.fail(n.path, "want a CPU quantity such as 2 or 500m, not %s", describe(n.v))
	return 0
}

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nothing"
	case string:
		return strconv.Quote(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return fmt.Sprintf("%v", v)
}
