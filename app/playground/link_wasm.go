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

// pushFragment puts a new fragment in the address bar as a new history entry (no hashchange:
// Back then makes one).
func pushFragment(f string) { app.Window().Get("history").Call("pushState", nil, "", "#"+f) }

// setFragment replaces the address bar's fragment (no new history entry, no hashchange).
func setFragment(f string) { app.Window().Get("history").Call("replaceState", nil, "", "#"+f) }

// onFragment calls f with the new fragment whenever the address bar's changes (a link pasted
// into an open tab, back and forward).
func onFragment(ctx app.Context, f func(ctx app.Context, fragment string)) {
	app.Window().Call("addEventListener", "hashchange", app.FuncOf(func(app.Value, []app.Value) any {
		ctx.Dispatch(func(ctx app.Context) { f(ctx, fragment()) })
		return nil
	}))
}
