// Progressive enhancement only: every respondent page works without this file.
(function () {
  "use strict";
  // A QR code on a printed slip opens the start page with the code after "#", which is never sent
  // to the server. Copy it into the form, then remove it from the address bar and the history.
  var match = /^#code=([0-9A-Za-z-]{12,20})$/.exec(window.location.hash);
  var input = document.getElementById("id_code");
  if (match && input) {
    input.value = match[1].toUpperCase();
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  // Characters left in a text box.
  Array.prototype.forEach.call(document.querySelectorAll("[data-counter-for]"), function (counter) {
    var box = document.getElementById(counter.getAttribute("data-counter-for"));
    var limit = box && parseInt(box.getAttribute("maxlength"), 10);
    if (!box || !limit) { return; }
    var label = document.documentElement.lang === "cy" ? " nod ar ôl" : " characters left";
    var update = function () { counter.textContent = (limit - box.value.length) + label; };
    counter.hidden = false;
    counter.setAttribute("aria-live", "polite");
    box.addEventListener("input", update);
    update();
  });
  // An error, or words that could identify someone: the notice at the top takes the focus.
  var summary = document.getElementById("error-summary") || document.getElementById("protect-summary");
  if (summary) { summary.focus(); }
})();
