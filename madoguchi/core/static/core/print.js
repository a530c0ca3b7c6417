// Print buttons ([data-print]): shown only where a script can print, so a page without JavaScript
// keeps just the browser's own print command. The one script every page loads for this.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
