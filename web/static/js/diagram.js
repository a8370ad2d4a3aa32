// Draw every <pre class="mermaid"> with the vendored Mermaid (web/static/vendor/mermaid): no network, no
// inline script. Mermaid is a 5.5 MB script: it is fetched only after the page has loaded, and only once a
// diagram scrolls into view, so the page is usable at once and a page read further down never pays for it.
"use strict";
(function () {
  var source = document.currentScript && document.currentScript.getAttribute("data-mermaid");
  var started = false;

  function draw() {
    window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral" });
    window.mermaid.run({ querySelector: "pre.mermaid" });
  }

  function start() {
    if (started) { return; }
    started = true;
    if (window.mermaid) { draw(); return; }
    var script = document.createElement("script");
    script.src = source;
    script.addEventListener("load", draw);
    document.head.appendChild(script);
  }

  window.addEventListener("load", function () {
    var diagrams = document.querySelectorAll("pre.mermaid");
    if (!source || diagrams.length === 0) { return; }
    if (!("IntersectionObserver" in window)) { start(); return; }
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        observer.disconnect();
        start();
      }
    });
    diagrams.forEach(function (diagram) { observer.observe(diagram); });
  });
})();
