// Call display: announce each new call once — a chime (Web Audio, no sound file), then the
// text in Japanese and English, and in the visitor's interpreter language when reception recorded one
// (the browser's own speech synthesis: works without internet).
// htmx polls the calls every second; polling simply continues after a network blip or a
// server restart, and the board shows that it is reconnecting meanwhile.
(function () {
  "use strict";
  var lastAnnounced = null;
  var audio = null;
  var soundButton = document.getElementById("enable-sound");
  var announcement = document.getElementById("announcement");
  var connection = document.getElementById("connection");

  function latestCall() {
    var list = document.querySelector(".call-list");
    return list ? parseInt(list.getAttribute("data-latest-call") || "0", 10) : 0;
  }

  var soundOn = false;

  function chime() {
    if (!soundOn || !audio || audio.state !== "running") return;
    [880, 660].forEach(function (frequency, index) {
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      var start = audio.currentTime + index * 0.35;
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.3, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.6);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.65);
    });
  }

  function speak(text, lang) {
    if (!soundOn || !("speechSynthesis" in window)) return;
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = lang;
    utterance.rate = 0.9;
    window.speechSynthesis.speak(utterance);
  }

  function announce() {
    var newest = latestCall();
    if (lastAnnounced === null) { lastAnnounced = newest; return; }  // the board just opened
    if (newest <= lastAnnounced) return;
    var calls = Array.prototype.slice.call(document.querySelectorAll(".call[data-call-id]"))
      .filter(function (call) { return parseInt(call.getAttribute("data-call-id"), 10) > lastAnnounced; })
      .reverse();
    lastAnnounced = newest;
    var texts = [];
    calls.forEach(function (call) {
      var ja = call.getAttribute("data-say-ja");
      var en = call.getAttribute("data-say-en");
      // The visitor's interpreter language as well, when reception recorded one.
      var extra = call.getAttribute("data-say-extra");
      var extraLang = call.getAttribute("data-say-extra-lang");
      texts.push(ja + " " + en + (extra ? " " + extra : ""));
      chime();
      speak(ja, "ja-JP");
      speak(en, "en-US");
      if (extra) speak(extra, extraLang);
    });
    announcement.textContent = texts.join(" ");
  }

  // The sound button is a toggle: its state is aria-pressed and the word beside it (on / off).
  soundButton.addEventListener("click", function () {
    soundOn = !soundOn;
    if (soundOn) {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (Context && !audio) audio = new Context();
      if (audio) audio.resume();
    } else if ("speechSynthesis" in window) {
      window.speechSynthesis.cancel();
    }
    soundButton.setAttribute("aria-pressed", soundOn ? "true" : "false");
    var state = soundButton.querySelector(".sound-toggle__state");
    if (state) state.textContent = soundButton.getAttribute(soundOn ? "data-on" : "data-off");
  });

  document.body.addEventListener("htmx:afterSwap", function () { connection.textContent = ""; announce(); });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) connection.textContent = "";
  });
  function offline() { connection.textContent = connection.getAttribute("data-offline") || "…"; }
  document.body.addEventListener("htmx:sendError", offline);
  document.body.addEventListener("htmx:responseError", offline);
  document.addEventListener("DOMContentLoaded", announce);
  announce();
})();
