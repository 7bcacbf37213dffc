package adminui_test

// Browser tests: Debian's chromium, headless, driven by chromedp against the
// real server on 127.0.0.1 with a fresh SQLite database. Each scenario is its
// own test; screenshots of the main screens go to testdata/screenshots/.

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/clinicpress/clinicpress/internal/testenv"
)

type world struct {
	t     *testing.T
	e     *testenv.Env
	c     testenv.Clinic
	url   string // http://127.0.0.1:port
	alloc context.Context
	root  context.Context
}

// chromium finds the browser or skips (fails under CI).
func chromium(t *testing.T) string {
	p := os.Getenv("CLINICPRESS_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium not found at %s under CI: install it (apt-get install -y chromium) or set CLINICPRESS_CHROMIUM", p)
		}
		t.Skipf("chromium not found at %s: browser tests skipped (apt-get install -y chromium, or set CLINICPRESS_CHROMIUM)", p)
	}
	return p
}

func newWorld(t *testing.T) *world {
	path := chromium(t)
	e := testenv.New(t, testenv.OpenSQLite(t))
	c := e.NewClinic("alpha")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.App.HTTP.Listener(ln)
	t.Cleanup(func() { e.App.HTTP.ShutdownWithTimeout(5 * time.Second) })
	dir := t.TempDir()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(dir), chromedp.WindowSize(1280, 900))
	root, cancelRoot := chromedp.NewContext(alloc)
	if err := chromedp.Do(root); err != nil {
		cancelRoot()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() { cancelRoot(); cancelAlloc() })
	return &world{t: t, e: e, c: c, url: "http://" + ln.Addr().String(), alloc: alloc, root: root}
}

// person is one signed-in browser context (its own cookies).
func (w *world) person(email string) context.Context {
	w.t.Helper()
	ctx, cancel := chromedp.NewContext(w.root, chromedp.WithNewBrowserContext())
	w.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		w.t.Fatalf("open browser context: %v", err)
	}
	tctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	w.t.Cleanup(cancelT)
	if email != "" {
		w.do(tctx, chromedp.Navigate(w.url+"/admin/login"),
			chromedp.SendKeys(chromedp.ID("email"), email), chromedp.SendKeys(chromedp.ID("password"), testenv.Password),
			chromedp.Click(chromedp.CSS("main button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("nav[aria-label=Main]")))
	}
	return tctx
}

func (w *world) do(ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	w.t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		var loc, body string
		loc, _ = chromedp.Run(ctx, chromedp.Location())
		body, _ = chromedp.Run(ctx, chromedp.Evaluate[string]("document.body ? document.body.innerText.slice(0, 600) : ''"))
		w.t.Fatalf("browser: %v\nat %s\n%s", err, loc, body)
	}
}

// waitText waits until the element matching css contains text.
func waitText(css, text string) chromedp.Action[chromedp.Void] {
	expr := fmt.Sprintf(`(function(){var e=document.querySelector(%q);return !!e && e.textContent.includes(%q);})()`, css, text)
	// A plain loop, not chromedp.Poll: a click that navigates would kill a
	// poll running in the old document.
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		deadline := time.Now().Add(15 * time.Second)
		for {
			ok, err := chromedp.Evaluate[bool](expr)(ctx, t)
			if err == nil && ok {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%q never appeared in %s (last error %v)", text, css, err)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
}

// waitFrameText waits until the element matching css inside the iframe
// matching frame contains text (the frame is of the admin's origin).
func waitFrameText(frame, css, text string) chromedp.Action[chromedp.Void] {
	expr := fmt.Sprintf(`(function(){var f=document.querySelector(%q);var d=f&&f.contentDocument;var e=d&&d.querySelector(%q);return !!e && e.textContent.includes(%q);})()`, frame, css, text)
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		deadline := time.Now().Add(15 * time.Second)
		for {
			ok, err := chromedp.Evaluate[bool](expr)(ctx, t)
			if err == nil && ok {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%q never appeared in %s of frame %s (last error %v)", text, css, frame, err)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
}

// setValue replaces a field's value and fires input, as typing would.
func setValue(id, v string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.SetValue(chromedp.ID(id), v),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById(%q).dispatchEvent(new Event("input",{bubbles:true}))`, id))(ctx, t)
			return err
		}))
}

func (w *world) shot(ctx context.Context, name string) {
	w.t.Helper()
	// Right after a navigation chromium may briefly report a page of zero
	// width ("Cannot take screenshot with 0 width"): try again shortly.
	var b []byte
	var err error
	for i := 0; i < 10; i++ {
		if b, err = chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		w.t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := filepath.Join("testdata", "screenshots")
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) text(ctx context.Context, css string) string {
	w.t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(function(){var e=document.querySelector(%q);return e?e.textContent:"";})()`, css)))
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

func (w *world) article(id int64) testenv.Article {
	var a testenv.Article
	w.e.MustDo("GET", testenv.ArticlePath("alpha", id, ""), w.c.Admin, nil, 200, &a)
	return a
}

func (w *world) path(id int64, tail string) string {
	return fmt.Sprintf("%s/admin/c/alpha/articles/%d%s", w.url, id, tail)
}

const faqBody = `## Why sunscreen matters

Daily sunscreen lowers the risk of sunburn and of some skin cancers.

## Frequently Asked Questions

### How much sunscreen should I use?

About a teaspoon for the face and neck.

### Do I need it on cloudy days?

Yes: much ultraviolet light passes through clouds.`

// 1) A writer signs in, writes an article with an FAQ, sees the live
// preview (with the FAQ detected), saves and submits it.
func TestBrowserWriterWritesAndSubmits(t *testing.T) {
	w := newWorld(t)
	anon := w.person("")
	w.do(anon, chromedp.Navigate(w.url+"/admin/login"), chromedp.WaitVisible(chromedp.ID("email")))
	w.shot(anon, "01-sign-in")
	ctx := w.person("writer@alpha.test")
	w.shot(ctx, "02-writer-dashboard")
	w.do(ctx, chromedp.Navigate(w.url+"/admin/c/alpha/articles/new"), chromedp.WaitVisible(chromedp.ID("title")),
		chromedp.SendKeys(chromedp.ID("title"), "Sunscreen every day"),
		chromedp.SendKeys(chromedp.ID("summary"), "Why and how to use sunscreen."),
		chromedp.SendKeys(chromedp.ID("tags"), "skin, sun"),
		setValue("body", faqBody),
		waitText("#preview", "FAQ detected: 2 questions"), waitText("#preview", "Why sunscreen matters"))
	w.shot(ctx, "03-new-article-live-preview")
	// Beside the form, the text as patients will see it: the clinic's theme
	// (clinical: its top bar), the preview banner, the typed title and FAQ.
	w.do(ctx, waitFrameText("#theme-preview", "h1", "Sunscreen every day"), waitFrameText("#theme-preview", ".preview", "Patients cannot see this version yet"),
		waitFrameText("#theme-preview", ".prose", "Do I need it on cloudy days?"), waitFrameText("#theme-preview", ".bar", ""),
		waitFrameText("#theme-preview", "body", "Written by Writer alpha"), waitText("#theme-preview-status", "Preview updated"))
	w.shot(ctx, "03b-editor-theme-preview")
	w.do(ctx, chromedp.Click(chromedp.CSS("#editor-form button[type=submit]")), waitText("#flash", "Draft created"),
		waitText("#preview", "How much sunscreen should I use?"))
	w.shot(ctx, "04-editor")
	// Autosave shows a visible saved state.
	w.do(ctx, chromedp.SendKeys(chromedp.ID("summary"), " Plain words."), waitText("#autosave-status", "Saved"))
	w.do(ctx, chromedp.Click(chromedp.CSS("button[value=submit]")), waitText("#flash", "Submitted for medical review"))
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	var id int64
	fmt.Sscanf(loc[strings.LastIndex(loc, "/")+1:], "%d", &id)
	a := w.article(id)
	if a.Status != "in_review" || !strings.Contains(a.Body, "Frequently Asked Questions") || a.Revision != 2 {
		t.Fatalf("after submit: %+v", a)
	}
	w.shot(ctx, "05-editor-submitted")
}

// 2) Two writers edit the same draft; the one who saves second sees both
// versions side by side and keeps both texts.
func TestBrowserConflictKeepsBothTexts(t *testing.T) {
	w := newWorld(t)
	w.e.AddMember(w.c, w.c.Admin, "writer2@alpha.test", "Second Writer", "writer")
	a := w.e.Draft(w.c, w.c.Writer, "Hand washing")
	one, two := w.person("writer@alpha.test"), w.person("writer2@alpha.test")
	w.do(one, chromedp.Navigate(w.path(a.ID, "")), chromedp.WaitVisible(chromedp.ID("body")))
	w.do(two, chromedp.Navigate(w.path(a.ID, "")), chromedp.WaitVisible(chromedp.ID("body")))
	w.do(two, setValue("body", a.Body+"\n\nTheirs: wash for twenty seconds."), chromedp.Click(chromedp.ID("save")), waitText("#flash", "Saved as revision 2"))
	w.do(one, setValue("body", a.Body+"\n\nMine: dry hands with a clean towel."), chromedp.Click(chromedp.ID("save")),
		waitText("h1", "Someone else saved"))
	if got := w.text(one, "#theirs-body"); !strings.Contains(got, "Theirs: wash for twenty seconds.") {
		t.Fatalf("their version not shown: %q", got)
	}
	merged, err := chromedp.Run(one, chromedp.Value(chromedp.ID("body")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(merged, "Mine: dry hands") || !strings.Contains(merged, "Theirs: wash for twenty") {
		t.Fatalf("merged text lost something: %q", merged)
	}
	w.shot(one, "06-conflict-side-by-side")
	w.do(one, chromedp.Click(chromedp.ID("save-merged")), waitText("#flash", "Saved as revision 3"))
	got := w.article(a.ID)
	if !strings.Contains(got.Body, "Mine: dry hands") || !strings.Contains(got.Body, "Theirs: wash for twenty") {
		t.Fatalf("saved text lost something: %q", got.Body)
	}
}

// 3) The author who is also a doctor gets no Approve button (reason shown)
// and a forced POST is refused; another doctor approves through the UI.
func TestBrowserFourEyes(t *testing.T) {
	w := newWorld(t)
	a := w.e.Draft(w.c, w.c.WriterDoctor, "Eczema care")
	w.e.MustDo("POST", testenv.ArticlePath("alpha", a.ID, "/submit"), w.c.WriterDoctor, nil, 200, &a)
	author := w.person("drwriter@alpha.test")
	w.do(author, chromedp.Navigate(w.path(a.ID, "/review")), waitText("#no-approve", "four-eyes"))
	if n := w.text(author, "#approve"); n != "" {
		t.Fatalf("the author was offered an Approve button")
	}
	w.shot(author, "07-review-refused-four-eyes")
	// Forge the approval from the page itself, with a valid CSRF token.
	res, err := chromedp.Run(author, chromedp.Evaluate[string](fmt.Sprintf(`(async function(){
		var f = new URLSearchParams();
		f.append("_csrf", document.querySelector("input[name=_csrf]").value);
		f.append("decision", "approve"); f.append("attest", "yes");
		f.append("revision", "%d"); f.append("content_hash", %q);
		var r = await fetch(location.pathname.replace(/review$/, "reviews"), {method: "POST", body: f, credentials: "same-origin"});
		return await r.text();
	})()`, a.Revision, a.ContentHash), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res, "cannot approve it yourself") {
		t.Fatalf("forced approval not refused with the reason: %.400s", res)
	}
	if got := w.article(a.ID); got.Status != "in_review" || got.Approval != nil {
		t.Fatalf("forced approval changed the article: %+v", got)
	}
	doc := w.person("doctor@alpha.test")
	w.do(doc, chromedp.Navigate(w.url+"/admin/c/alpha/review-queue"), waitText("main", "Eczema care"))
	w.shot(doc, "08-doctor-queue")
	w.do(doc, chromedp.Navigate(w.path(a.ID, "/review")), chromedp.WaitVisible(chromedp.ID("approve")))
	w.shot(doc, "09-review-screen")
	w.do(doc, chromedp.Click(chromedp.ID("attest")), chromedp.SendKeys(chromedp.ID("sign-approve-password"), testenv.Password),
		chromedp.Click(chromedp.ID("approve")), waitText("#flash", "You approved revision"))
	if got := w.article(a.ID); got.Status != "approved" || got.Approval == nil || got.Approval.ContentHash != a.ContentHash {
		t.Fatalf("approval through the UI: %+v", got)
	}
}

// 4) A clinic admin publishes; the public page shows the reviewed-by byline.
// 5) An edit after publishing voids the approval; the public page keeps the
// live revision.
func TestBrowserPublishAndEditAfterPublish(t *testing.T) {
	w := newWorld(t)
	a := w.e.Approved(w.c, "Acne myths")
	admin := w.person("admin@alpha.test")
	w.do(admin, chromedp.Navigate(w.path(a.ID, "")), chromedp.WaitVisible(chromedp.ID("publish-now")))
	w.shot(admin, "10-admin-ready-to-publish")
	w.do(admin, chromedp.Click(chromedp.ID("publish-now")), waitText("#flash", "is live on the clinic's site"))
	public := w.url + "/sites/alpha/articles/" + a.Slug
	w.do(admin, chromedp.Navigate(public), waitText("body", "Medically reviewed by"))
	byline := w.text(admin, "body")
	if !strings.Contains(byline, "Doctor alpha") || !strings.Contains(byline, "Some careful text about Acne myths") {
		t.Fatalf("public page byline or text missing: %.500s", byline)
	}
	w.shot(admin, "11-public-page-reviewed-byline")

	writer := w.person("writer@alpha.test")
	w.do(writer, chromedp.Navigate(w.path(a.ID, "")), chromedp.WaitVisible(chromedp.ID("body")),
		setValue("body", "## About\n\nA rewritten text that nobody has reviewed yet."), chromedp.Click(chromedp.ID("save")),
		waitText("#flash", "keeps showing revision 1"))
	got := w.article(a.ID)
	if got.Status != "draft" || got.Approval != nil || got.LiveRevision == nil || *got.LiveRevision != 1 || got.Revision != 2 {
		t.Fatalf("edit after publish: %+v", got)
	}
	w.do(writer, chromedp.Navigate(public), waitText("body", "Medically reviewed by"))
	if body := w.text(writer, "body"); strings.Contains(body, "nobody has reviewed") || !strings.Contains(body, "Some careful text about Acne myths") {
		t.Fatalf("public page does not show the live revision: %.500s", body)
	}
}

// 6) A forged cross-site form post (auto-submitted from a page on another
// origin) is refused with 403 and changes nothing.
func TestBrowserForgedCrossSitePost(t *testing.T) {
	w := newWorld(t)
	a := w.e.Draft(w.c, w.c.Writer, "Sleep hygiene")
	evil := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(rw, `<!doctype html><title>Win a prize</title><form id="f" method="post" action="%s">
<input name="title" value="Forged title"><input name="body" value="forged"><input name="version" value="%d">
<input name="_csrf" value="guessed"></form><script>document.getElementById("f").submit()</script>`, w.path(a.ID, ""), a.Version)
	}))
	defer evil.Close()
	if !strings.HasPrefix(evil.URL, "http://127.0.0.1:") || strings.HasSuffix(w.url, evil.URL[len("http://127.0.0.1"):]) {
		t.Fatalf("the forging page must be another origin on 127.0.0.1: %s vs %s", evil.URL, w.url)
	}
	ctx := w.person("writer@alpha.test")
	w.do(ctx, chromedp.Navigate(evil.URL), waitText("h1", "Not allowed"))
	w.shot(ctx, "12-forged-post-refused")
	if body := w.text(ctx, "main"); !strings.Contains(body, "did not come from this site") {
		t.Fatalf("403 page does not explain: %s", body)
	}
	if got := w.article(a.ID); got.Title != "Sleep hygiene" || got.Version != a.Version {
		t.Fatalf("forged post changed the article: %+v", got)
	}
}

// 7) A member of clinic A cannot open any screen or object of clinic B.
func TestBrowserOtherClinic404(t *testing.T) {
	w := newWorld(t)
	b := w.e.NewClinic("beta")
	theirs := w.e.Draft(b, b.Writer, "Beta private draft")
	ctx := w.person("admin@alpha.test")
	for _, p := range []string{"/admin/c/beta/", "/admin/c/beta/articles", "/admin/c/beta/members", "/admin/c/beta/settings", "/admin/c/beta/audit",
		fmt.Sprintf("/admin/c/beta/articles/%d", theirs.ID), fmt.Sprintf("/admin/c/beta/articles/%d/review", theirs.ID),
		fmt.Sprintf("/admin/c/beta/articles/%d/history", theirs.ID), fmt.Sprintf("/admin/c/alpha/articles/%d", theirs.ID)} {
		res, err := chromedp.Run(ctx, chromedp.NavigateResponse(w.url+p))
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != 404 {
			t.Errorf("%s: status %d, want 404", p, res.Status)
		}
		if body := w.text(ctx, "body"); strings.Contains(body, "Beta private draft") || !strings.Contains(body, "Not found") {
			t.Errorf("%s: %q", p, body)
		}
	}
	w.shot(ctx, "13-other-clinic-not-found")
}

// 8) Keyboard only: sign in, write and submit with Tab and Enter (and
// typing), checking where the focus is at each step.
func TestBrowserKeyboardOnly(t *testing.T) {
	w := newWorld(t)
	ctx := w.person("")
	w.do(ctx, chromedp.Navigate(w.url+"/admin/login"), chromedp.WaitVisible(chromedp.ID("email")))
	focusTo := func(desc, pred string) {
		t.Helper()
		for i := 0; i < 60; i++ {
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var e=document.activeElement;return !!e && (`+pred+`);})()`))
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				return
			}
			w.do(ctx, chromedp.KeyEvent(kb.Tab))
		}
		t.Fatalf("Tab never reached %s", desc)
	}
	focusTo("email", `e.id==="email"`)
	w.do(ctx, chromedp.KeyEvent("writer@alpha.test"))
	focusTo("password", `e.id==="password"`)
	w.do(ctx, chromedp.KeyEvent(testenv.Password), chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS("nav[aria-label=Main]")))
	// The first Tab reaches the skip link.
	w.do(ctx, chromedp.KeyEvent(kb.Tab))
	if got := w.text(ctx, ":focus"); got != "Skip to content" {
		t.Fatalf("first Tab focused %q, want the skip link", got)
	}
	focusTo("the New article link", `e.textContent.trim()==="New article"`)
	w.do(ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.ID("title")))
	focusTo("title", `e.id==="title"`)
	w.do(ctx, chromedp.KeyEvent("Keyboard written article"))
	focusTo("body", `e.id==="body"`)
	w.do(ctx, chromedp.KeyEvent("## Intro\r\rWritten without a mouse."))
	focusTo("Create draft", `e.textContent.trim()==="Create draft"`)
	w.do(ctx, chromedp.KeyEvent(kb.Enter), waitText("#flash", "Draft created"))
	focusTo("Save and submit", `e.textContent.trim()==="Save and submit for review"`)
	w.do(ctx, chromedp.KeyEvent(kb.Enter), waitText("#flash", "Submitted for medical review"))
	w.shot(ctx, "14-keyboard-only-submitted")
	body, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("body")))
	if !strings.Contains(body, "Written without a mouse.") {
		t.Fatalf("typed body not saved: %q", body)
	}
}

// 15) A blocking advertising-rule finding: the writer sees it live while
// typing and in the editor, is refused at submit with what to do; a doctor
// acknowledges it with a reason on the review screen; the writer submits.
func TestBrowserFindingAcknowledged(t *testing.T) {
	w := newWorld(t)
	writer := w.person("writer@alpha.test")
	w.do(writer, chromedp.Navigate(w.url+"/admin/c/alpha/articles/new"), chromedp.WaitVisible(chromedp.ID("title")),
		chromedp.SendKeys(chromedp.ID("title"), "Clearer skin with laser"),
		setValue("body", "## Laser\n\nOur laser gives guaranteed results.\n\nResults are not guaranteed for everyone."),
		waitText("#findings", "Checked as you type"), waitText("#findings mark", "guaranteed"), waitText("#findings", "Blocks"))
	w.do(writer, chromedp.Click(chromedp.CSS("#editor-form button[type=submit]")), waitText("#flash", "Draft created"),
		waitText("#findings", "Findings of revision 1"), waitText("#blocked-note", "cannot be submitted"))
	loc, _ := chromedp.Run(writer, chromedp.Location())
	var id int64
	fmt.Sscanf(loc[strings.LastIndex(loc, "/")+1:], "%d", &id)
	w.do(writer, chromedp.Click(chromedp.ID("submit-review")), waitText("#flash", "cannot go further"), waitText("#flash", "ask a doctor"))
	if a := w.article(id); a.Status != "draft" {
		t.Fatalf("blocked submit changed the state: %s", a.Status)
	}
	w.shot(writer, "16-editor-submit-blocked")
	doc := w.person("doctor@alpha.test")
	w.do(doc, chromedp.Navigate(w.path(id, "/review")), chromedp.WaitVisible(chromedp.CSS("form.ack-form textarea")),
		chromedp.SendKeys(chromedp.CSS("form.ack-form textarea"), "Quoted from the device label; the leaflet is corrected before print."),
		chromedp.SendKeys(chromedp.CSS("form.ack-form input[name=sig_password]"), testenv.Password),
		chromedp.Click(chromedp.CSS("form.ack-form button")), waitText("#flash", "Finding acknowledged"),
		waitText("#findings", "Acknowledged by Dr Doctor alpha"))
	w.shot(doc, "15-finding-acknowledged")
	w.do(writer, chromedp.Navigate(w.path(id, "")), chromedp.WaitVisible(chromedp.ID("submit-review")),
		chromedp.Click(chromedp.ID("submit-review")), waitText("#flash", "submitted for medical review"))
	if a := w.article(id); a.Status != "in_review" {
		t.Fatalf("after acknowledgement the submit did not go through: %s", a.Status)
	}
}
