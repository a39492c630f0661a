package main

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
)

// memoryFlag is --max-memory: a size in bytes, as a Kubernetes quantity ("8Gi", "512Mi",
// "2G"), "auto" (three quarters of the machine's physical memory, where the platform says how
// much there is) or 0 / "off" (no bound).
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
	if !ok || b < 1<<20 {
		return fmt.Errorf("want at least 1Mi, not %q", v)
	}
	m.text, m.bytes = v, b
	return nil
}

// describe is the bound for people: "6.0 GiB" or "none".
func (m *memoryFlag) describe() string {
	if m.bytes <= 0 {
		return "none"
	}
	return fmt.Sprintf("%.1f GiB", float64(m.bytes)/(1<<30))
}
