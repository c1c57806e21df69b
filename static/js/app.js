// Closecall: the one small script beside htmx. Pages work without it.
(function () {
  "use strict";
  // htmx sends the CSRF token of staff pages in a header.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
  });
})();
