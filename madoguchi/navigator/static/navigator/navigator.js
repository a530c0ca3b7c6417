// The navigator's only script: a print button (hidden without JavaScript, where the browser's own
// print command remains). Everything else works with plain forms; htmx only spares page loads.
document.querySelectorAll("[data-nav-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
