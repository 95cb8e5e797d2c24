// Progressive enhancement: a "filter the list" box above each long select marked data-filter. Typing
// hides the options that do not contain the words typed (chosen options always stay visible). Without
// JavaScript the select works as it is. No inline script or style: the Content-Security-Policy holds.
(function () {
  "use strict";
  function words(text) { return text.toLowerCase().split(/\s+/).filter(Boolean); }
  document.querySelectorAll("select[data-filter]").forEach(function (select, index) {
    var box = document.createElement("input");
    box.type = "search";
    box.id = (select.id || "select-" + index) + "-filter";
    box.className = "select-filter";
    box.setAttribute("autocomplete", "off");
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.className = "hint";
    label.textContent = select.getAttribute("data-filter");
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var wanted = words(box.value);
      Array.prototype.forEach.call(select.options, function (option) {
        var text = option.textContent.toLowerCase();
        option.hidden = !option.selected && !wanted.every(function (w) { return text.indexOf(w) !== -1; });
      });
    });
  });
})();
