//go:build !(js && wasm)

package playground

import (
	"fmt"

	"github.com/themelios/themelios/wasm/protocol"
)

// TutorialSource gives the tutorials to native builds (the site generator sets it, so that each
// tutorial page is prerendered with its text, readable before the WebAssembly has loaded).
var TutorialSource func(slug string) (protocol.Tutorial, error)

// fetchTutorial gives the tutorial from TutorialSource.
func fetchTutorial(slug string) (protocol.Tutorial, error) {
	if TutorialSource == nil {
		return protocol.Tutorial{}, fmt.Errorf("tutorials load in the browser")
	}
	return TutorialSource(slug)
}

// preloaded gives the tutorial at once natively (prerendering does not wait for a fetch).
func preloaded(slug string) (protocol.Tutorial, bool) {
	t, err := fetchTutorial(slug)
	return t, err == nil
}
