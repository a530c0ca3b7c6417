// The print buttons only show where a script can print (the page works without them).
document.querySelectorAll("[data-preapply-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
