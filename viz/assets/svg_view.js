// The view of a map as an SVG document: the city map and the overview export what they draw
// through this one function. shapes.lines: {x1, y1, x2, y2, stroke, width, dashed};
// shapes.nodes: {x, y, r, fill, stroke, strokeWidth, lines (label lines)}; in canvas units.
window.govatlasSvgView = function (shapes) {
  "use strict";
  var ns = "http://www.w3.org/2000/svg";
  var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  shapes.nodes.forEach(function (n) {
    minX = Math.min(minX, n.x); minY = Math.min(minY, n.y);
    maxX = Math.max(maxX, n.x); maxY = Math.max(maxY, n.y);
  });
  if (!shapes.nodes.length) { minX = minY = 0; maxX = maxY = 1; }
  var svg = document.createElementNS(ns, "svg");
  svg.setAttribute("xmlns", ns);
  svg.setAttribute("viewBox", [minX - 120, minY - 60, maxX - minX + 240, maxY - minY + 120].join(" "));
  svg.setAttribute("font-family", "system-ui, sans-serif");
  function add(tag, attrs, text) {
    var node = document.createElementNS(ns, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    svg.appendChild(node);
  }
  shapes.lines.forEach(function (l) {
    add("line", { x1: l.x1, y1: l.y1, x2: l.x2, y2: l.y2, stroke: l.stroke, "stroke-width": l.width,
                  "stroke-dasharray": l.dashed ? "8 5" : "none", opacity: 0.8 });
  });
  shapes.nodes.forEach(function (n) {
    add("circle", { cx: n.x, cy: n.y, r: n.r, fill: n.fill, stroke: n.stroke, "stroke-width": n.strokeWidth });
    n.lines.forEach(function (line, i) {
      add("text", { x: n.x, y: n.y + n.r + 16 + 16 * i, "font-size": 15, "text-anchor": "middle" }, line);
    });
  });
  return new XMLSerializer().serializeToString(svg);
};
