/// The page's only script: shows an event's evidence beside its marker on hover or keyboard
/// focus, and hides it on leaving, blurring or Escape. Without it the page still works: each
/// marker has a title and links to its entry in the evidence list.
enum Script {
    static let js = """
        (function () {
          "use strict";
          var tip = document.getElementById("tip");
          if (!tip) { return; }
          var current = null;
          function markerOf(node) { return node && node.closest ? node.closest(".marker") : null; }
          function show(marker) {
            var source = document.getElementById(marker.getAttribute("data-ev"));
            if (!source) { return; }
            current = marker;
            tip.replaceChildren.apply(tip, Array.prototype.map.call(source.childNodes, function (n) { return n.cloneNode(true); }));
            tip.hidden = false;
            var box = (marker.querySelector(".glyph") || marker).getBoundingClientRect();
            var view = document.documentElement.clientWidth;
            var left = Math.min(Math.max(8, box.left + box.width / 2 - tip.offsetWidth / 2), view - tip.offsetWidth - 8);
            var top = box.bottom + 8;
            if (top + tip.offsetHeight > window.innerHeight && box.top - tip.offsetHeight - 8 > 0) { top = box.top - tip.offsetHeight - 8; }
            tip.style.left = (left + window.scrollX) + "px";
            tip.style.top = (top + window.scrollY) + "px";
          }
          function hide() { tip.hidden = true; current = null; }
          document.addEventListener("mouseover", function (e) { var m = markerOf(e.target); if (m && m !== current) { show(m); } });
          document.addEventListener("mouseout", function (e) {
            var m = markerOf(e.target);
            if (m && !m.contains(e.relatedTarget) && document.activeElement !== m) { hide(); }
          });
          document.addEventListener("focusin", function (e) { var m = markerOf(e.target); if (m) { show(m); } });
          document.addEventListener("focusout", function (e) { if (markerOf(e.target)) { hide(); } });
          document.addEventListener("keydown", function (e) { if (e.key === "Escape") { hide(); } });
        })();
        """
}
