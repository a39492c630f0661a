//go:build js && wasm

package playground

import (
	"fmt"
	"io"
	"net/http"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/wasm/protocol"
)

// fetchTutorial loads /web/tutorials/<slug>.json from the site.
func fetchTutorial(slug string) (protocol.Tutorial, error) {
	u := app.Window().URL()
	resp, err := http.Get(fmt.Sprintf("%s://%s/web/tutorials/%s.json", u.Scheme, u.Host, slug))
	if err != nil {
		return protocol.Tutorial{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return protocol.Tutorial{}, fmt.Errorf("no tutorial %q (%s)", slug, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return protocol.Tutorial{}, err
	}
	return protocol.DecodeTutorial(data)
}

// preloaded is false in the browser: the tutorial is fetched.
func preloaded(string) (protocol.Tutorial, bool) { return protocol.Tutorial{}, false }
