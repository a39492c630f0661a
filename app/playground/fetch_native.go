//go:build !(js && wasm)

package playground

import (
	"fmt"

	"github.com/themelios/themelios/wasm/protocol"
)

// fetchTutorial is only possible in the browser (prerendered pages show "Loading…").
func fetchTutorial(string) (protocol.Tutorial, error) {
	return protocol.Tutorial{}, fmt.Errorf("tutorials load in the browser")
}
