/* The PIN pad of the no-writing counter (書かない窓口).
 *
 * The PIN goes from this page straight to the card reader agent on this PC
 * (data-agent-url, 127.0.0.1), never to the server: the PIN field has no name, so no form
 * can post it, and the only request carrying it is the fetch below. A wrong PIN is shown with
 * the tries left and is never retried by this script; the card locks after three.
 * The four facts read are copied into the identity form, which the clerk checks and saves.
 */
(function () {
  "use strict";
  var section = document.getElementById("card-reader");
  if (!section || !window.fetch) { return; }
  var agent = section.getAttribute("data-agent-url");
  var text = JSON.parse(document.getElementById("card-messages").textContent);
  var statusLine = document.getElementById("card-status");
  var triesLine = document.getElementById("pin-tries");
  var form = document.getElementById("pin-form");
  var input = document.getElementById("pin-input");
  var submit = document.getElementById("pin-submit");
  var facts = document.getElementById("card-facts");
  var locked = false;
  section.hidden = false;

  function say(message) { statusLine.textContent = message; }

  function showTries(tries) {
    if (tries === null || tries === undefined) { triesLine.textContent = ""; return; }
    var line = text.tries_left.replace("%(tries)s", String(tries));
    if (tries === 1) { line += " " + text.last_try; }
    triesLine.textContent = line;
  }

  function setLocked(value) {
    locked = value;
    submit.disabled = value;
    if (value) { say(text.locked); showTries(0); }
  }

  function call(path, options) {
    var settings = { mode: "cors", credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer" };
    Object.keys(options).forEach(function (key) { settings[key] = options[key]; });
    return fetch(agent + path, settings).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { ok: response.ok, body: body };
      });
    });
  }

  function check() {
    say(text.checking);
    return call("/status", { method: "GET" }).then(function (result) {
      var body = result.body;
      if (!body.reader) { say(text.no_reader); showTries(null); return; }
      if (!body.card) { say(text.no_card); showTries(null); return; }
      if (body.locked) { setLocked(true); return; }
      setLocked(false);
      say(text.ready);
      showTries(body.tries_left);
    }).catch(function () { say(text.unreachable); showTries(null); });
  }

  function setField(id, value) {
    var field = document.getElementById(id);
    if (field) { field.value = value; }
  }

  function sexLabel(value) {
    var select = document.getElementById("id_sex");
    var option = select ? select.querySelector("option[value='" + String(value) + "']") : null;
    return option ? option.textContent : String(value);
  }

  function fill(body) {
    document.getElementById("card-name").textContent = body.name;
    document.getElementById("card-address").textContent = body.address;
    document.getElementById("card-birth-date").textContent =
      (body.birth_date_wareki ? body.birth_date_wareki + "（" + body.birth_date + "）" : body.birth_date);
    document.getElementById("card-sex").textContent = sexLabel(body.sex);
    setField("id_source", "card");
    setField("id_name", body.name);
    setField("id_address", body.address);
    setField("id_birth_date", body.birth_date);
    setField("id_sex", String(body.sex));
    var entry = document.getElementById("identity-entry");
    if (entry) { entry.open = true; }
    facts.hidden = false;
    document.getElementById("card-facts-heading").focus();
  }

  section.querySelectorAll(".pinpad__key").forEach(function (key) {
    key.addEventListener("click", function () {
      var digit = key.getAttribute("data-digit");
      var action = key.getAttribute("data-action");
      if (digit !== null && input.value.length < 4) { input.value += digit; }
      if (action === "clear") { input.value = ""; }
      if (action === "back") { input.value = input.value.slice(0, -1); }
      input.focus();
    });
  });

  document.getElementById("card-recheck").addEventListener("click", check);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var pin = input.value;
    input.value = "";  // one attempt per entry: the next try needs the PIN typed again
    if (!/^[0-9]{4}$/.test(pin)) { say(text.pin_format); input.focus(); return; }
    if (locked) { setLocked(true); return; }
    submit.disabled = true;
    say(text.reading);
    call("/read", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ pin: pin })
    }).then(function (result) {
      var body = result.body;
      if (result.ok) {
        showTries(null);
        fill(body);
        say(text.read_ok);
        return;
      }
      if (body.error === "pin_locked") { setLocked(true); say(body.message || text.locked); return; }
      say(body.message || text.failed);
      showTries(typeof body.tries_left === "number" ? body.tries_left : null);
      input.focus();
    }).catch(function () {
      say(text.unreachable);
    }).then(function () {
      submit.disabled = locked;
    });
  });

  check();
})();
