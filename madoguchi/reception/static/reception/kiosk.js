// The kiosk: print the ticket as soon as it is shown; after the idle time without a touch or a key
// (data-idle-seconds, 30 s in the ward) go back to the start screen in Japanese, as "done" does.
(function () {
  "use strict";
  var reset = document.getElementById("kiosk-reset");
  if (document.querySelector("[data-print-now]")) {
    window.addEventListener("load", function () { window.print(); });
  }
  if (!reset) return;
  var seconds = parseFloat(reset.getAttribute("data-idle-seconds") || "30");
  var atHome = reset.hasAttribute("data-home");  // the start screen in Japanese already
  var timer = null;
  function goHome() { reset.submit(); }
  function restart() {
    if (timer) window.clearTimeout(timer);
    if (!atHome && seconds > 0) timer = window.setTimeout(goHome, seconds * 1000);
  }
  ["pointerdown", "keydown", "touchstart", "input", "scroll"].forEach(function (name) {
    document.addEventListener(name, restart, { passive: true, capture: true });
  });
  restart();
})();
