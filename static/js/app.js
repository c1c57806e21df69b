// Closecall: the one small script beside htmx. Pages work without it.
(function () {
  "use strict";
  // htmx sends the CSRF token of staff pages in a header.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
  });
})();

// --- kiosk receipt: clears itself after PORTAL_KIOSK_RECEIPT_SECONDS; "More time" restarts
// the wait (a time limit the person can extend). Without JavaScript a <noscript> refresh does it.
(function () {
  "use strict";
  var note = document.querySelector("[data-kiosk-clear]");
  if (!note) { return; }
  var seconds = parseInt(note.getAttribute("data-kiosk-clear"), 10) || 60;
  var url = note.getAttribute("data-kiosk-url");
  var timer = null;
  function start() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () { window.location.replace(url); }, seconds * 1000);
  }
  var more = document.querySelector("[data-kiosk-more]");
  if (more) {
    more.hidden = false;
    more.addEventListener("click", start);
  }
  start();
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
