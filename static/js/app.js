// Closecall: the one small script beside htmx. Pages work without it.
(function () {
  "use strict";
  // htmx sends the CSRF token of staff pages in a header.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
  });
})();

// --- kiosk: forgets the last person (docs/worker-side.md). Each page's history entry becomes
// a blank form; Done, the countdowns and the idle check replace the page; a page leaving, or
// back from the back/forward cache, is wiped.
(function () {
  "use strict";
  var root = document.querySelector("[data-kiosk-form], [data-kiosk-receipt]");
  if (!root) { return; }
  var fresh = root.getAttribute("data-kiosk-fresh");
  history.replaceState(null, "", root.getAttribute("data-kiosk-here"));

  function wipe() {
    var fields = document.querySelectorAll("input, textarea");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].type === "radio" || fields[i].type === "checkbox") { fields[i].checked = false; }
      else if (fields[i].type !== "hidden" && fields[i].type !== "submit") { fields[i].value = ""; }
    }
    var main = document.querySelector("main");
    if (main && root.hasAttribute("data-kiosk-receipt")) { main.textContent = ""; }
  }
  function startOver() { wipe(); window.location.replace(fresh); }
  window.addEventListener("pagehide", wipe);
  window.addEventListener("pageshow", function (event) { if (event.persisted) { startOver(); } });

  // a countdown shown in [data-countdown]; fn runs when it reaches 0
  function countdown(box, seconds, fn) {
    var left = seconds;
    var shown = box.querySelector("[data-countdown]");
    if (shown) { shown.textContent = left; }
    var timer = setInterval(function () {
      left -= 1;
      if (shown) { shown.textContent = Math.max(left, 0); }
      if (left <= 0) { clearInterval(timer); fn(); }
    }, 1000);
    return function () { clearInterval(timer); };
  }

  var done = root.querySelector("[data-kiosk-done]");
  if (done) {
    done.addEventListener("click", function (event) { event.preventDefault(); startOver(); });
    var note = root.querySelector("[data-kiosk-clear]");
    var seconds = parseInt(note.getAttribute("data-kiosk-clear"), 10) || 60;
    var stop = countdown(note, seconds, startOver);
    var more = root.querySelector("[data-kiosk-more]");
    more.hidden = false;  // a time limit the person can extend
    more.addEventListener("click", function () { stop(); stop = countdown(note, seconds, startOver); });
    return;
  }

  // the form: sent once (a second tap would get a blank form back); idle: "Still there?"
  var sending = false;
  root.addEventListener("submit", function (event) {
    if (sending) { event.preventDefault(); }
    sending = true;
  });
  var idle = (parseInt(root.getAttribute("data-kiosk-idle"), 10) || 90) * 1000;
  var warning = parseInt(root.getAttribute("data-kiosk-warning"), 10) || 30;
  var dialog = document.getElementById("still-there");
  var timer = null;
  var stopAsking = null;
  function untouched() {
    if (root.hasAttribute("data-kiosk-posted")) { return false; }
    var fields = root.querySelectorAll("input, textarea");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.checked !== field.defaultChecked) { return false; }
      } else if (field.type === "file") {
        if (field.files && field.files.length) { return false; }
      } else if (field.value !== field.defaultValue) { return false; }
    }
    return true;
  }
  function arm() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(ask, idle);
  }
  function ask() {
    if (untouched()) { arm(); return; }
    dialog.showModal();
    stopAsking = countdown(dialog, warning, startOver);
  }
  function stillHere() {
    if (stopAsking) { stopAsking(); stopAsking = null; }
    if (dialog.open) { dialog.close(); }
    arm();
  }
  dialog.querySelector("[data-still-here]").addEventListener("click", stillHere);
  dialog.querySelector("[data-start-over]").addEventListener("click", startOver);
  dialog.addEventListener("cancel", function (event) { event.preventDefault(); stillHere(); });
  ["pointerdown", "keydown", "input", "change", "scroll", "wheel"].forEach(function (name) {
    document.addEventListener(name, function () { if (!dialog.open) { arm(); } }, true);
  });
  arm();
})();

// --- report form: characters left under each limited field. maxlength (the Length validator)
// is lifted so nothing is cut silently; the server refuses over-long text and keeps it.
// Counted as the server counts: trimmed, a line break as \r\n.
(function () {
  "use strict";
  var counts = document.querySelectorAll("[data-count]");
  Array.prototype.forEach.call(counts, function (count) {
    var words = count.closest("[data-count-left]");
    var field = document.getElementById(count.id.replace(/-count$/, ""));
    var max = field && parseInt(field.getAttribute("maxlength"), 10);
    if (!max || !words) { return; }
    field.removeAttribute("maxlength");
    function update() {
      var left = max - Array.from(field.value.trim().replace(/\r?\n/g, "\r\n")).length;
      var text = words.getAttribute(left < 0 ? "data-count-over" : "data-count-left");
      count.textContent = text.replace("{n}", Math.abs(left));
      count.classList.toggle("over", left < 0);
      count.classList.toggle("near", left >= 0 && left <= max / 10);
    }
    field.addEventListener("input", update);
    update();
  });
})();

// --- phone form: a dropped connection loses nothing (docs/worker-side.md). Sent with fetch;
// on a network failure kept in localStorage and sent when back online or when the form is
// next opened (the one-time token makes a repeat harmless); deleted when the server answers.
// Never on a kiosk.
(function () {
  "use strict";
  var KEY = "closecall.unsent";
  var form = document.querySelector("form.report");
  var box = document.querySelector("[data-saved]");
  if (!form || !box || form.hasAttribute("data-kiosk-form") || !window.fetch) { return; }
  var sending = false;
  function stored() {
    try { return JSON.parse(localStorage.getItem(KEY)); } catch (e) { return null; }
  }
  function forget() { try { localStorage.removeItem(KEY); } catch (e) { /* nothing kept */ } }
  function words(name) { return box.querySelector("[data-saved-" + name + "]").content.textContent; }
  function say(lines) {
    box.hidden = false;
    box.querySelector("[data-saved-status]").textContent = lines.join(" ");
  }
  function ours(entry) { return entry && entry.token === form.elements.token.value; }
  function keep(data, action) {
    var fields = [];
    var photos = 0;
    data.forEach(function (value, name) {
      if (typeof value === "string") { fields.push([name, value]); } else if (value.name) { photos += 1; }
    });
    var entry = {action: action, token: data.get("token"), fields: fields, photos: photos};
    try { localStorage.setItem(KEY, JSON.stringify(entry)); } catch (e) { say([words("unsaved")]); return; }
    say(photos ? [words("offline"), words("photos")] : [words("offline")]);
  }
  function show(html) {  // the server's answer, as a page of its own: from its top
    var photos = form.elements.photos ? Array.from(form.elements.photos.files) : [];
    document.open();
    document.write(html);
    document.close();
    window.scrollTo(0, 0);
    keepPhotos(photos);
  }
  // the form came back (a missing answer): its photos go back into the field, unless one of
  // them was what was wrong
  function keepPhotos(photos) {
    var field = document.querySelector("form.report input[type=file]");
    var note = document.querySelector("[data-photos-again]");
    if (!photos.length || !field || field.closest(".has-error") || !window.DataTransfer) { return; }
    var chosen = new DataTransfer();
    photos.forEach(function (photo) { chosen.items.add(photo); });
    field.files = chosen.files;
    if (note) { note.hidden = true; }
  }
  function send(action, data) {
    if (sending) { return; }
    sending = true;
    fetch(action, {method: "POST", body: data, cache: "no-store"}).then(function (response) {
      if (response.status >= 500) { throw new Error("not taken"); }
      return response.text().then(function (html) { forget(); show(html); });
    }).catch(function () {
      sending = false;
      keep(data, action);  // to the form it belongs to, whichever page retried it
    });
  }
  function fromEntry(entry) {
    var data = new FormData();
    entry.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    return data;
  }
  function retry() {
    var entry = stored();
    if (!entry || !navigator.onLine) { return; }
    say([words("sending")]);
    // the form on screen is the saved one: send it as it is now (with its photos)
    send(entry.action, ours(entry) ? new FormData(form) : fromEntry(entry));
  }
  form.addEventListener("submit", function (event) {
    var by = event.submitter;
    if (by && by.name === "switch_lang") { return; }  // a language switch posts as usual
    event.preventDefault();
    var data = new FormData(form);
    if (!navigator.onLine) { keep(data, form.action); return; }
    send(form.action, data);
  });
  window.addEventListener("online", retry);
  var entry = stored();
  if (entry && entry.action === form.action && !ours(entry)) {
    // opened again: the saved report comes back on the form, under its own token
    entry.fields.forEach(function (pair) {
      var field = form.elements[pair[0]];
      if (!field) { return; }
      if (field.length && field[0] && field[0].type === "radio") {
        Array.prototype.forEach.call(field, function (radio) { radio.checked = radio.value === pair[1]; });
      } else if (field.type !== "file") {
        field.value = pair[1];
        field.dispatchEvent(new Event("input"));
      }
    });
  }
  if (entry) {
    say([words("offline")]);
    retry();
  }
})();

// --- /followup#code=…: the receipt's link (and QR) carry the code in the fragment, which is
// never sent to the server; it fills the lookup form, leaves the address and is sent by POST.
(function () {
  "use strict";
  var form = document.querySelector("[data-code-from-fragment]");
  var found = /^#code=([0-9A-Za-z-]{16,24})$/.exec(window.location.hash);
  if (!form || !found) { return; }
  history.replaceState(null, "", window.location.pathname + window.location.search);
  form.elements.code.value = found[1];
  form.requestSubmit();
})();

// --- breakroom display (/display/<site>) — begin -----------------------------------------
// A failed poll (server or network down, an error answer, a timeout) keeps what the screen
// shows; after two in a row the page gets "is-stale" (CSS shows "Last updated HH:MM —
// reconnecting"). The next successful poll (200 or 304) clears it.
(function () {
  "use strict";
  var FAILURES_BEFORE_STALE = 2;
  var failures = 0;
  function screen() { return document.querySelector("[data-display]"); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function succeeded() {
    var root = screen();
    if (!root) { return; }
    failures = 0;
    root.classList.remove("is-stale");
    var time = root.querySelector("[data-display-updated]");
    var now = new Date();
    if (time) {
      time.textContent = pad(now.getHours()) + ":" + pad(now.getMinutes());
      time.setAttribute("datetime", now.toISOString());
    }
  }
  function failed() {
    var root = screen();
    if (!root) { return; }
    failures += 1;
    if (failures >= FAILURES_BEFORE_STALE) { root.classList.add("is-stale"); }
  }
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful === true) { succeeded(); }
  });
  ["htmx:sendError", "htmx:responseError", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, failed);
  });
})();
// --- breakroom display — end ---------------------------------------------------------------

// --- People: "Copy" beside an invitation link (without JavaScript the field is selectable)
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-for]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-for"));
    if (!field || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      field.select();
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = button.getAttribute("data-copied");
      });
    });
  });
})();
