//go:build js && wasm

package playground

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// copyLink puts the permalink in the address bar and on the clipboard, and shows it.
func (p *Playground) copyLink(ctx app.Context) {
	p.link = app.Window().URL().Scheme + "://" + app.Window().URL().Host + "/#" + p.Link()
	app.Window().Get("history").Call("replaceState", nil, "", "#"+p.Link())
	if nav := app.Window().Get("navigator"); nav.Truthy() {
		if cb := nav.Get("clipboard"); cb.Truthy() {
			cb.Call("writeText", p.link)
		}
	}
}

// fragment returns the page URL's fragment.
func fragment() string { return app.Window().URL().Fragment }
