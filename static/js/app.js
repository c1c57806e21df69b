// Closecall: the one small script beside htmx. Pages work without it.
(function () {
  "use strict";
  // htmx sends the CSRF token of staff pages in a header.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
  });
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
