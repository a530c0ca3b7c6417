// The visitor's status page: htmx polls the status every few seconds (the server answers 304 while
// nothing changed, and an unchanged answer is not swapped in, so a screen reader does not hear it
// again). When the turn comes near (two or fewer ahead) and when the visitor is called, the page
// says so in its title and, once the visitor has tapped "Turn on sound and vibration" (browsers
// allow sound and vibration only after a tap), chimes and vibrates — once per counter and state.
(function () {
  "use strict";
  var status = document.getElementById("status");
  if (!status) return;
  var button = document.getElementById("alerts-on");
  var stateText = document.getElementById("alerts-state");
  var baseTitle = document.title;
  var audio = null;
  var alertsOn = false;
  var alerted = {};
  var lastBody = null;

  function chime(times) {
    if (!audio || audio.state !== "running") return;
    for (var i = 0; i < times; i++) {
      [880, 660].forEach(function (frequency, index) {
        var oscillator = audio.createOscillator();
        var gain = audio.createGain();
        var start = audio.currentTime + i * 0.9 + index * 0.35;
        oscillator.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, start);
        gain.gain.exponentialRampToValueAtTime(0.4, start + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.6);
        oscillator.connect(gain).connect(audio.destination);
        oscillator.start(start);
        oscillator.stop(start + 0.65);
      });
    }
  }

  function vibrate(pattern) {
    if (alertsOn && navigator.vibrate) navigator.vibrate(pattern);
  }

  function update() {
    var body = status.querySelector("[data-state]");
    if (!body) return;
    var state = body.getAttribute("data-state");
    var step = body.getAttribute("data-step") || "";
    if (state === "soon") {
      document.title = "(!) " + status.getAttribute("data-title-soon") + " — " + baseTitle;
    } else if (state === "called") {
      document.title = "(!!) " + status.getAttribute("data-title-called") + " — " + baseTitle;
    } else {
      document.title = baseTitle;
    }
    status.setAttribute("data-alerted", state);
    var key = state + ":" + step;
    if ((state === "soon" || state === "called") && !alerted[key]) {
      alerted[key] = true;
      if (state === "called") { chime(2); vibrate([400, 200, 400, 200, 400]); }
      else { chime(1); vibrate([300, 150, 300]); }
    }
  }

  if (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (Context && !audio) audio = new Context();
      if (audio) audio.resume();
      alertsOn = true;
      vibrate(100);
      button.hidden = true;
      stateText.textContent = button.getAttribute("data-on");
      chime(1);
    });
  }

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target !== status) return;
    if (event.detail.xhr.status === 404) { event.detail.shouldSwap = true; return; }
    var text = event.detail.xhr.responseText;
    if (text === lastBody) event.detail.shouldSwap = false;  // unchanged (a 304 the browser answered from its cache)
    lastBody = text;
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target === status) update();
  });
  update();
})();
