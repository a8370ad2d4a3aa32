// Draw every <pre class="mermaid"> with the vendored Mermaid (web/static/vendor/mermaid): no network, no inline script.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  if (typeof window.mermaid === "undefined") { return; }
  window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral" });
  window.mermaid.run({ querySelector: "pre.mermaid" });
});
