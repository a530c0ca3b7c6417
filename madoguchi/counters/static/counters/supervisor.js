// The supervisor's wallboard: fetch the figures again every data-refresh-seconds, but never while the
// supervisor is in the middle of something (a close-desk confirmation or a queue open, a field focused).
(function () {
  "use strict";
  var live = document.getElementById("wallboard-live");
  if (!live || !window.htmx) return;
  var seconds = parseFloat(live.getAttribute("data-refresh-seconds") || "30");
  function busy() {
    return live.querySelector("details[open]") !== null || live.contains(document.activeElement);
  }
  window.setInterval(function () {
    if (busy()) return;
    window.htmx.ajax("GET", live.getAttribute("data-url"), { target: "#wallboard-live", swap: "innerHTML" });
  }, seconds * 1000);
})();
