// ClinicPress admin: small progressive enhancements. Every action works
// without this file; it adds live preview, live advertising-rule findings,
// autosave with a visible saved state, and keyboard shortcuts (Ctrl/Cmd+S save, Ctrl/Cmd+Enter preview).
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var printBtn = document.getElementById("print");
  if (printBtn) printBtn.addEventListener("click", function () { window.print(); });
  var form = document.getElementById("editor-form");
  if (!form) return;
  var csrf = form.querySelector("input[name=_csrf]").value;
  var status = document.getElementById("autosave-status");
  var preview = document.getElementById("preview");
  var previewURL = form.getAttribute("data-preview");
  var autosaveURL = form.getAttribute("data-autosave");
  var lintURL = form.getAttribute("data-lint");
  var findings = document.getElementById("findings");
  var findingsStatus = document.getElementById("findings-status");
  var previewTimer = null, saveTimer = null, lintTimer = null, lintSeq = 0, dirty = false, saving = false;

  function body() {
    var fd = new URLSearchParams();
    ["title", "slug", "summary", "tags", "body", "version"].forEach(function (n) {
      var el = form.elements[n];
      if (el) fd.append(n, el.value);
    });
    return fd;
  }
  function post(url) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, "Content-Type": "application/x-www-form-urlencoded" },
      body: body().toString()
    });
  }
  function say(text) { if (status) status.textContent = text; }

  function refreshPreview() {
    if (!preview || !previewURL) return;
    post(previewURL).then(function (r) {
      if (!r.ok) throw new Error("preview " + r.status);
      return r.text();
    }).then(function (html) {
      // The server renders and sanitises the Markdown; nothing here is
      // executed (innerHTML never runs scripts and the CSP forbids inline ones).
      preview.innerHTML = html;
    }).catch(function () { /* keep the last preview */ });
  }
  // Live advertising-rule findings for the unsaved text: the server checks
  // it (the clinic's rules live there) and renders the list, escaped.
  function refreshFindings() {
    if (!findings || !lintURL) return;
    var seq = ++lintSeq;
    post(lintURL).then(function (r) {
      if (!r.ok) throw new Error("lint " + r.status);
      return r.json();
    }).then(function (j) {
      if (seq !== lintSeq) return; // an older answer arriving late
      findings.innerHTML = j.html;
      if (findingsStatus) {
        findingsStatus.textContent = j.findings.length === 0 ? "No advertising-rule findings." :
          j.findings.length + " advertising-rule finding(s), " + j.blocking + " blocking.";
      }
    }).catch(function () { /* keep the last list */ });
  }
  function autosave() {
    if (!autosaveURL || !dirty || saving) return;
    saving = true; dirty = false;
    say("Saving…");
    post(autosaveURL).then(function (r) {
      return r.json().then(function (j) { return { ok: r.ok, j: j }; });
    }).then(function (res) {
      saving = false;
      if (res.ok) { say(res.j.message || "Saved"); form.setAttribute("data-saved", res.j.saved_at); }
      else { say("Not saved: " + (res.j.error || "try again")); dirty = true; }
    }).catch(function () { saving = false; dirty = true; say("Not saved: you seem to be offline; your text stays in this page."); });
  }
  form.addEventListener("input", function () {
    dirty = true;
    say("Unsaved changes");
    clearTimeout(previewTimer); previewTimer = setTimeout(refreshPreview, 400);
    clearTimeout(lintTimer); lintTimer = setTimeout(refreshFindings, 700);
    clearTimeout(saveTimer); saveTimer = setTimeout(autosave, 1500);
  });
  form.addEventListener("submit", function () { clearTimeout(saveTimer); dirty = false; });
  document.addEventListener("keydown", function (e) {
    if (!(e.ctrlKey || e.metaKey)) return;
    if (e.key === "s" || e.key === "S") {
      e.preventDefault();
      var save = document.getElementById("save");
      if (save) save.click(); else form.requestSubmit();
    } else if (e.key === "Enter") {
      e.preventDefault();
      refreshPreview();
    }
  });
  window.addEventListener("beforeunload", function (e) {
    if (dirty && autosaveURL) { autosave(); }
  });
})();
