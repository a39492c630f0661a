package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
)

// memoryFlag is --max-memory: a size in bytes, as a Kubernetes quantity ("8Gi", "512Mi",
// "2G"), "auto" (three quarters of the memory the process may use: the machine's, or its
// container's if lower; on Linux, elsewhere no bound) or 0 / "off" (no bound).
type memoryFlag struct {
	text  string
	bytes int64
}

func (m *memoryFlag) String() string { return m.text }

func (m *memoryFlag) Set(v string) error {
	switch v {
	case "auto":
		m.text, m.bytes = v, physicalMemory()*3/4
		return nil
	case "off", "0":
		m.text, m.bytes = v, 0
		return nil
	}
	q, err := resource.ParseQuantity(v)
	if err != nil || q.Sign() < 0 || strings.HasPrefix(v, "-") {
		return fmt.Errorf("want a size such as 8Gi or 512Mi, auto or off, not %q", v)
	}
	b, ok := q.AsInt64()
	if !ok || q.MilliValue()%1000 != 0 {
		return fmt.Errorf("want a whole number of bytes such as 8Gi or 512Mi, not %q", v)
	}
	if b < 1<<20 {
		return fmt.Errorf("want at least 1Mi, not %q", v)
	}
	m.text, m.bytes = v, b
	return nil
}

// limitMemory sets the runtime's soft memory limit just under a check's memory bound (bytes; 0:
// none), so that the collector works harder near it and garbage does not count toward it; the
// function it returns puts the previous limit back.
func limitMemory(bound int64) func() {
	if bound <= 0 {
		return func() {}
	}
	prev := debug.SetMemoryLimit(bound / 10 * 9)
	return func() { debug.SetMemoryLimit(prev) }
}
