// ClinicPress admin: small progressive enhancements. Every action works
// without this file; it adds live preview, live advertising-rule findings,
// autosave with a visible saved state, keyboard shortcuts (Ctrl/Cmd+S save,
// Ctrl/Cmd+Enter preview) and the preview in the clinic's theme refreshed as
// you type.
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
  var themeBtn = document.getElementById("theme-preview-button");
  var themeFrame = document.getElementById("theme-preview");
  var themeStatus = document.getElementById("theme-preview-status");
  var themeURL = themeBtn ? themeBtn.getAttribute("formaction") : null;
  var previewTimer = null, saveTimer = null, lintTimer = null, lintSeq = 0, dirty = false, saving = false;
  var themeTimer = null;

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
  // The preview in the clinic's theme: the server renders the text with the
  // theme (a page with its own, script-free policy). Each refresh posts the
  // current fields into a fresh, hidden frame and swaps it in once loaded:
  // no flicker, the reading position is kept, and the page's history (Back)
  // does not fill up with previews. The form is built here, not written
  // inline, and is not the editor form, so no validation bubble pops up
  // while typing and the autosave state is untouched.
  var themeSeq = 0, themeShown = 0;
  function refreshTheme() {
    if (!themeFrame || !themeURL) return;
    var seq = ++themeSeq;
    var next = themeFrame.cloneNode(false);
    next.removeAttribute("id");
    next.name = "themepreview-" + seq;
    next.hidden = true;
    themeFrame.parentNode.insertBefore(next, themeFrame.nextSibling);
    next.addEventListener("load", function () { swapTheme(next, seq); });
    var f = document.createElement("form");
    f.method = "post"; f.action = themeURL; f.target = next.name; f.hidden = true;
    ["_csrf", "title", "slug", "summary", "tags", "body"].forEach(function (n) {
      var el = form.elements[n];
      if (!el) return;
      var i = document.createElement("input");
      i.type = "hidden"; i.name = n; i.value = el.value;
      f.appendChild(i);
    });
    document.body.appendChild(f);
    f.submit();
    document.body.removeChild(f);
  }
  function swapTheme(next, seq) {
    try {
      if (next.contentWindow.location.href === "about:blank") return; // not loaded yet
    } catch (e) { /* loaded, and not readable: show it anyway */ }
    if (seq < themeShown) { // an older answer arriving after a newer one
      if (next.parentNode) next.parentNode.removeChild(next);
      return;
    }
    themeShown = seq;
    var scroll = 0;
    try { scroll = themeFrame.contentWindow.scrollY || 0; } catch (e) { /* not readable */ }
    themeFrame.parentNode.removeChild(themeFrame);
    next.hidden = false;
    next.id = "theme-preview";
    next.name = "themepreview";
    themeFrame = next;
    try { if (scroll) next.contentWindow.scrollTo(0, scroll); } catch (e) { /* not readable */ }
    if (themeStatus) {
      // Cleared first so that a screen reader announces a repeated message.
      themeStatus.textContent = "";
      setTimeout(function () { themeStatus.textContent = "Preview updated"; }, 50);
    }
  }
  if (themeFrame) refreshTheme();
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
      else { say("Not saved: " + (res.j.detail || "try again")); dirty = true; }
    }).catch(function () { saving = false; dirty = true; say("Not saved: you seem to be offline; your text stays in this page."); });
  }
  form.addEventListener("input", function () {
    dirty = true;
    say("Unsaved changes");
    clearTimeout(previewTimer); previewTimer = setTimeout(refreshPreview, 400);
    clearTimeout(themeTimer); themeTimer = setTimeout(refreshTheme, 800);
    clearTimeout(lintTimer); lintTimer = setTimeout(refreshFindings, 700);
    clearTimeout(saveTimer); saveTimer = setTimeout(autosave, 1500);
  });
  form.addEventListener("submit", function (e) {
    if (e.submitter && e.submitter === themeBtn) {
      // "Preview in theme" refreshes the frame; nothing is saved.
      e.preventDefault();
      refreshTheme();
      return;
    }
    clearTimeout(saveTimer); dirty = false;
  });
  document.addEventListener("keydown", function (e) {
    if (!(e.ctrlKey || e.metaKey)) return;
    if (e.key === "s" || e.key === "S") {
      e.preventDefault();
      var save = document.getElementById("save");
      if (save) save.click(); else form.requestSubmit();
    } else if (e.key === "Enter") {
      e.preventDefault();
      refreshPreview();
      refreshTheme();
    }
  });
  window.addEventListener("beforeunload", function (e) {
    if (dirty && autosaveURL) { autosave(); }
  });
})();

// Passkeys (WebAuthn): registering one on the Security screen, and signing
// a review decision or acknowledgement. The server put the ceremony
// options in data-passkey-options; the browser's answer goes into the
// hidden field and the form is submitted as usual.
(function () {
  "use strict";
  function toBuf(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }
  function toB64(buf) {
    var b = new Uint8Array(buf), s = "";
    for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function fail(form, msg) {
    var el = form.querySelector("[data-passkey-error]");
    if (el) { el.textContent = msg; el.hidden = false; }
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var create = form.querySelector("[data-passkey-create]");
    var get = form.querySelector("[data-passkey-assertion]");
    var field = create || get;
    if (!field || field.value) return;
    e.preventDefault();
    if (!window.PublicKeyCredential || !navigator.credentials) {
      fail(form, "This browser does not support passkeys.");
      return;
    }
    var opts = JSON.parse(field.getAttribute("data-passkey-options")).publicKey;
    opts.challenge = toBuf(opts.challenge);
    if (create) {
      opts.user.id = toBuf(opts.user.id);
      (opts.excludeCredentials || []).forEach(function (c) { c.id = toBuf(c.id); });
      navigator.credentials.create({ publicKey: opts }).then(function (cred) {
        field.value = JSON.stringify({ id: cred.id, rawId: toB64(cred.rawId), type: cred.type,
          response: { clientDataJSON: toB64(cred.response.clientDataJSON), attestationObject: toB64(cred.response.attestationObject),
            transports: cred.response.getTransports ? cred.response.getTransports() : [] } });
        form.submit();
      }).catch(function (err) { fail(form, "No passkey was created: " + err.message); });
      return;
    }
    (opts.allowCredentials || []).forEach(function (c) { c.id = toBuf(c.id); });
    navigator.credentials.get({ publicKey: opts }).then(function (cred) {
      var r = cred.response;
      field.value = JSON.stringify({ id: cred.id, rawId: toB64(cred.rawId), type: cred.type,
        response: { clientDataJSON: toB64(r.clientDataJSON), authenticatorData: toB64(r.authenticatorData),
          signature: toB64(r.signature), userHandle: r.userHandle ? toB64(r.userHandle) : null } });
      form.submit();
    }).catch(function (err) { fail(form, "Not signed: " + err.message); });
  }, true);
})();
