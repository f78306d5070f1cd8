// Package web tests agora's web UI in a real headless Chromium (Debian's
// chromium package, driven with chromedp) against a real server, with
// JavaScript on and off, auditing every page with axe-core.
package web

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's Chromium; make test installs it
// (scripts/ensure-chromium.sh). No browser is ever downloaded.
const chromiumPath = "/usr/bin/chromium"

// stepTimeout bounds one browser step (a navigation, a wait).
const stepTimeout = 20 * time.Second

// artifacts is where screenshots and axe reports go (git-ignored).
var artifacts = filepath.Join("..", "..", "test-artifacts")

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// loadAxe reads axe-core from node_modules (make test runs npm ci here).
func loadAxe(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() {
		b, err := os.ReadFile(filepath.Join("node_modules", "axe-core", "axe.min.js"))
		axeSource, axeErr = string(b), err
	})
	if axeErr != nil {
		t.Fatalf("axe-core is missing (%v): run `npm ci` in e2e/web (make test does it)", axeErr)
	}
	return axeSource
}

// tab is one browser (its own profile) with one tab.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
	js   bool
}

// newTab starts Chromium for base, with JavaScript on or off. A missing
// Chromium fails the test with what to do: these tests never skip.
func newTab(t *testing.T, base string, js bool) *tab {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("Chromium is not installed at %s (%v): run `make test`, which runs scripts/ensure-chromium.sh, or `apt-get install chromium`", chromiumPath, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "en-US"), chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first action starts the browser: no timeout on it (see chromedp.Run).
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	tb := &tab{t: t, ctx: ctx, base: base, js: js}
	if !js {
		tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}))
	}
	return tb
}

// do runs steps within the step timeout.
func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatalf("browser: %v (at %s)", err, tb.location())
	}
}

func (tb *tab) location() string {
	ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	return loc
}

// open navigates to a path of the server.
func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(tb.base + path))
}

// typeInto replaces the value of the field with id by typing text.
func (tb *tab) typeInto(id, text string) {
	tb.t.Helper()
	tb.do(setValue(id, ""), chromedp.SendKeys(chromedp.ID(id), text))
}

// click clicks the first element matching a CSS selector.
func (tb *tab) click(css string) {
	tb.t.Helper()
	tb.do(chromedp.Click(chromedp.CSS(css)))
}

// waitFor waits until a JavaScript expression is true. It evaluates in the
// DevTools context, so it works with the page's scripts disabled too, and
// it keeps trying across navigations.
func (tb *tab) waitFor(what, expr string) {
	tb.t.Helper()
	tb.waitLong(what, expr, stepTimeout)
}

// waitLong is waitFor with its own timeout.
func (tb *tab) waitLong(what, expr string, timeout time.Duration) {
	tb.t.Helper()
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(tb.ctx, 3*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("(function(){try{return !!("+expr+")}catch(e){return false}})()"))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	body, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 2000) : ""`))
	tb.t.Fatalf("waiting for %s: timed out (last error %v) at %s; page text:\n%s", what, last, tb.location(), body)
}

// hasText is a JavaScript expression: the page's main content contains s.
func hasText(s string) string {
	b, _ := json.Marshal(s)
	return `document.querySelector("main") && document.querySelector("main").innerText.includes(` + string(b) + `)`
}

// at is a JavaScript expression: the page's path is p.
func at(p string) string {
	b, _ := json.Marshal(p)
	return `location.pathname === ` + string(b) + ` && document.readyState === "complete"`
}

// axeViolation is the part of an axe-core result the tests report.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// audit runs axe-core on the page, fails on serious or critical
// violations, logs the others and saves a screenshot named name.
func (tb *tab) audit(name string) {
	tb.t.Helper()
	tb.screenshot(name)
	if !tb.js {
		return // axe runs in the page: the JavaScript-on flow audits every page
	}
	src := loadAxe(tb.t)
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](src+";true")); err != nil {
		tb.t.Fatalf("inject axe-core on %s: %v", name, err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify({
		passes: r.passes.length, violations: r.violations.map(v => ({
		id: v.id, impact: v.impact || "", help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))}))`, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("axe on %s: %v", name, err)
	}
	var res struct {
		Passes     int            `json:"passes"`
		Violations []axeViolation `json:"violations"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		tb.t.Fatalf("axe result on %s: %v", name, err)
	}
	if res.Passes < 10 {
		tb.t.Fatalf("axe on %s checked only %d rules: it did not run properly", name, res.Passes)
	}
	vs := res.Violations
	_ = os.WriteFile(filepath.Join(artifacts, "axe-"+name+".json"), []byte(out), 0o644)
	var minor []string
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			tb.t.Errorf("axe on %s (%s): %s %s: %s; nodes %s", name, tb.location(), v.Impact, v.ID, v.Help, strings.Join(v.Nodes, ", "))
		} else {
			minor = append(minor, v.Impact+" "+v.ID)
		}
	}
	tb.t.Logf("axe on %s: %d rules passed, %d violations (%d serious or critical); others: %v", name, res.Passes, len(vs), len(vs)-len(minor), minor)
}

// screenshot saves the whole page as test-artifacts/web-NAME.png.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	mode := "js"
	if !tb.js {
		mode = "nojs"
	}
	if err := os.WriteFile(filepath.Join(artifacts, fmt.Sprintf("web-%s-%s.png", mode, name)), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// screenshotOf saves one element as test-artifacts/web-NAME.png, at twice
// the scale (for documentation).
func (tb *tab) screenshotOf(name, css string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.ScreenshotScale(chromedp.CSS(css), 1))
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(artifacts, "web-"+name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// darkMode switches the page to prefers-color-scheme: dark (or back).
func (tb *tab) darkMode(on bool) {
	tb.t.Helper()
	v := "light"
	if on {
		v = "dark"
	}
	tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v}}})
		return err
	}))
}

// mobile switches the viewport to a phone's size (or back to a desktop's).
func (tb *tab) mobile(on bool) {
	tb.t.Helper()
	if on {
		tb.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	} else {
		tb.do(chromedp.EmulateViewport(1280, 900))
	}
}
