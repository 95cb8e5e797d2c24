// Progressive enhancement: replace each server-drawn SVG chart with the interactive vega-embed version.
// Without JavaScript (or if drawing fails) the SVG, its text alternative and its data table remain.
(function () {
  "use strict";
  function draw() {
    if (typeof vegaEmbed !== "function") { return; }
    document.querySelectorAll("[data-vega-spec]").forEach(function (holder) {
      var script = document.getElementById(holder.getAttribute("data-vega-spec"));
      if (!script) { return; }
      var spec = JSON.parse(script.textContent);
      var label = holder.querySelector("svg") ? holder.querySelector("svg").getAttribute("aria-label") : "";
      var target = document.createElement("div");
      // Within the Content-Security-Policy (no inline styles, no eval): vega-embed adds no <style> element
      // (defaultStyle), nor does its tooltip (its look is in insights.css), and Vega interprets the
      // spec's expressions (ast, vega-embed's bundled interpreter) instead of compiling them with Function.
      var options = {
        actions: false, renderer: "svg", defaultStyle: false, ast: true,
        tooltip: { disableDefaultStyle: true }
      };
      vegaEmbed(target, spec, options).then(function () {
        var svg = target.querySelector("svg");
        if (svg) {
          // One image named by the chart's text alternative: drop Vega's roles and labels on the marks
          // (an empty mark container would otherwise be an unnamed graphics-symbol).
          svg.querySelectorAll("[role], [aria-roledescription], [aria-label]").forEach(function (el) {
            el.removeAttribute("role"); el.removeAttribute("aria-roledescription"); el.removeAttribute("aria-label");
          });
          svg.setAttribute("role", "img"); svg.setAttribute("aria-label", label);
        }
        holder.replaceChildren(target);
      }).catch(function () { /* keep the server-drawn chart */ });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
