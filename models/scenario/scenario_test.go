package scenario

import (
	"strings"
	"testing"
)

func TestBuiltinsParse(t *testing.T) {
	b := Builtins()
	var names []string
	for _, s := range b {
		names = append(names, s.Name)
		if _, err := s.Config(s.Settings); err != nil {
			t.Errorf("%s: %v", s.Name, err)
		}
	}
	if got := strings.Join(names, " "); got != "node/restart replicaset/overlapping replicaset/spec-replicas-change" {
		t.Fatalf("built-ins: %s", got)
	}
}
