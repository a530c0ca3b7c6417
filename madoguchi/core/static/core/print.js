// Print buttons ([data-print]): shown only where a script can print, so a page without JavaScript
// keeps just the browser's own print command. The one script every page loads for this.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});

// A framed document (the PDF of the forms) printed through the browser's own print dialog: once it
// has loaded, and again from its button. A browser that cannot print a framed PDF keeps the download.
document.querySelectorAll("iframe[data-print-on-load]").forEach(function (frame) {
  frame.addEventListener("load", function () {
    try { frame.contentWindow.focus(); frame.contentWindow.print(); } catch (error) { /* the download remains */ }
  });
});
document.querySelectorAll("[data-print-frame]").forEach(function (button) {
  var frame = document.getElementById(button.getAttribute("data-print-frame"));
  if (!frame) return;
  button.hidden = false;
  button.addEventListener("click", function () { frame.contentWindow.focus(); frame.contentWindow.print(); });
});
