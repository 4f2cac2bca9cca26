// govatlas overview map: one group of actors at a time, drilled into on click.
// Every view is its own <script type="application/json" id="view-ID"> block, parsed when the
// reader opens that group. Everything from data is shown with textContent, never innerHTML.
(function () {
  "use strict";
  var index = JSON.parse(document.getElementById("map-index").textContent);
  var container = document.getElementById("network");
  var api = window.govatlasMap = { mode: "overview", index: index, view: null, drawnAt: null,
                                   ready: false, selected: null };
  var cache = {};

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function number(n) { return Number(n).toLocaleString("en"); }
  function plural(n, word) { return number(n) + " " + (n === 1 ? word : word + "s"); }

  var typeOf = {};
  index.types.forEach(function (t) { typeOf[t.code] = t; });
  function short(text) { return text.length <= 26 ? text : text.slice(0, 25).trim() + "…"; }
  function style(code) { return typeOf[code] || { label: code || "(none)", shape: "dot", color: "#9e9e9e" }; }
  function labels(codes, names) {
    return (codes || []).map(function (c) { return names[c] || c; });
  }

  // a view as the page carries it (one-letter keys, codes) -> the fields drawn and shown
  function expand(raw, id) {
    return {
      id: raw.id, path: raw.path,
      bands: raw.bands.map(function (b) { return { code: b[0], top: b[1], bottom: b[2] }; }),
      nodes: raw.nodes.map(function (n) {
        if (n.k === "g") {
          var g = index.groups[n.i];
          return { id: n.i, kind: "group", inside: !n.o, label: short(g[0]), full: g[0],
                   count: g[2], gaps: g[3], links: g[4], color: style(n.t).color, size: n.s,
                   x: n.x, y: n.y };
        }
        var t = style(n.t);
        return { id: n.i, kind: "actor", inside: !n.o, home: n.h || id, label: short(n.l),
                 full: n.l, type: n.t, typeLabel: t.label, shape: t.shape, color: t.color,
                 size: n.s, x: n.x, y: n.y, names: n.n || [],
                 levelLabels: labels(n.v, index.levels),
                 competenceLabels: labels(n.c, index.competences), sources: n.r || [],
                 gaps: n.p || [], gapCount: n.g || 0 };
      }),
      edges: raw.edges.map(function (e, i) {  // [from, to, links, type(s), direct]
        var kinds = typeof e[3] === "number" ? [[e[3], e[2]]] : e[3];
        return { id: id + ":" + i, from: e[0], to: e[1], weight: e[2], direct: !!e[4],
                 color: index.linkTypes[kinds[0][0]][1],
                 types: kinds.map(function (t) { return [index.linkTypes[t[0]][0], t[1]]; }) };
      })
    };
  }
  function viewData(id) {
    if (!cache[id]) {
      var block = document.getElementById("view-" + id);
      if (!block) return null;
      cache[id] = expand(JSON.parse(block.textContent), id);
    }
    return cache[id];
  }

  function faded(hex) {  // the colour mixed with white: nodes outside the open group
    var n = parseInt(hex.slice(1), 16), mix = function (c) { return Math.round(c + (255 - c) * 0.7); };
    var r = mix(n >> 16), g = mix((n >> 8) & 255), b = mix(n & 255);
    return "#" + ((1 << 24) + (r << 16) + (g << 8) + b).toString(16).slice(1);
  }

  function tip(n) {
    var box = el("div", "tip");
    box.appendChild(el("strong", null, n.full));
    if (n.kind === "group") {
      box.appendChild(el("div", "row", plural(n.count, "actor") + ", " + plural(n.links, "link") + " among them"));
      if (n.gaps) box.appendChild(el("div", "row gap", plural(n.gaps, "gap") + " found"));
      box.appendChild(el("div", "more", n.inside ? "click to open" : "outside this group: click to open it"));
    } else {
      if (n.typeLabel) box.appendChild(el("div", "row", n.typeLabel));
      if (n.gapCount) box.appendChild(el("div", "row gap", plural(n.gapCount, "gap")));
      box.appendChild(el("div", "more", n.inside ? "click for details" : "outside this group: click to go there"));
    }
    return box;
  }
  function edgeTip(e) {
    var box = el("div", "tip");
    box.appendChild(el("strong", null, plural(e.weight, "link")));
    e.types.forEach(function (t) { box.appendChild(el("div", "row", t[0] + ": " + number(t[1]))); });
    return box;
  }

  var nodes = new vis.DataSet([]), edges = new vis.DataSet([]);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, {
    physics: false, layout: { improvedLayout: false },
    interaction: { hover: true, tooltipDelay: 150, navigationButtons: false, keyboard: false },
    nodes: { font: { size: 14, face: "system-ui, sans-serif", background: "rgba(255,255,255,0.85)" },
             widthConstraint: { maximum: 170 }, borderWidth: 1.5 },
    edges: { smooth: false, selectionWidth: 1.5, hoverWidth: 0.5 }
  });
  api.network = network; api.nodes = nodes; api.edges = edges;
  var current = null;

  function draw(id) {
    var data = viewData(id);
    current = data;
    var visNodes = data.nodes.map(function (n) {
      var border = (n.kind === "group" ? n.gaps : n.gapCount) ? "#d32f2f" : "#37474f";
      var item = { id: n.id, x: n.x, y: n.y, title: tip(n), size: n.size,
                   shape: n.kind === "group" ? "dot" : n.shape,
                   label: n.kind === "group" ? n.label + "\n" + number(n.count) : n.label,
                   borderWidth: n.kind === "group" ? 2.5 : 1.5 };
      if (n.inside) {
        item.color = { background: n.color, border: border,
                       highlight: { background: n.color, border: "#000" },
                       hover: { background: n.color, border: "#000" } };
      } else {
        item.color = { background: faded(n.color), border: "#90a4ae",
                       highlight: { background: faded(n.color), border: "#455a64" },
                       hover: { background: faded(n.color), border: "#455a64" } };
        item.font = { color: "#78909c" };
        item.shapeProperties = { borderDashes: [4, 3] };
      }
      return item;
    });
    var visEdges = data.edges.map(function (e) {
      return { id: e.id, from: e.from, to: e.to, title: edgeTip(e),
               width: Math.min(1 + 1.6 * Math.log2(e.weight), 12),
               color: { color: e.color, opacity: 0.75, highlight: e.color, hover: e.color },
               arrows: e.direct ? { to: { enabled: true, scaleFactor: 0.6 } } : undefined };
    });
    nodes.clear(); edges.clear();
    nodes.add(visNodes); edges.add(visEdges);
    network.fit({ animation: false });
    var groups = data.nodes.filter(function (n) { return n.kind === "group" && n.inside; }).length;
    var actors = data.nodes.filter(function (n) { return n.kind === "actor" && n.inside; }).length;
    document.getElementById("visible-count").textContent =
      (groups ? plural(groups, "group") + ", " : "") + plural(actors, "actor") + " shown here; " +
      plural(data.nodes.length - groups - actors, "node") + " outside this group (faded).";
  }

  function breadcrumb(path) {
    var nav = document.getElementById("breadcrumb");
    clear(nav);
    path.forEach(function (gid, i) {
      if (i) nav.appendChild(el("span", "sep", " › "));
      var label = index.groups[gid][0] + " (" + number(index.groups[gid][2]) + ")";
      if (i === path.length - 1) { nav.appendChild(el("strong", null, label)); return; }
      var button = el("button", "crumb", label);
      button.type = "button";
      button.addEventListener("click", function () { api.show(gid); });
      nav.appendChild(button);
    });
  }

  function saveState() {
    var parts = ["view=" + encodeURIComponent(api.view)];
    if (api.selected) parts.push("select=" + encodeURIComponent(api.selected));
    history.replaceState(null, "", "#" + parts.join("&"));
  }

  api.show = function (id, select) {
    if (!viewData(id)) return false;
    api.view = id;
    hideDetails();
    draw(id);
    breadcrumb(current.path);
    api.selected = null;
    if (select && nodes.get(select)) selectActor(select);
    saveState();
    return true;
  };
  api.up = function () {
    var parent = index.groups[api.view][1];
    if (parent) api.show(parent);
  };

  // --- bands and their names, as on the full map ---------------------------------------------
  network.on("beforeDrawing", function (ctx) {
    if (!current) return;
    current.bands.forEach(function (band, i) {
      ctx.fillStyle = i % 2 ? "#ffffff" : "#f1f4f9";
      ctx.fillRect(-100000, band.top, 200000, band.bottom - band.top);
    });
  });
  network.on("afterDrawing", function (ctx) {
    if (!current) return;
    var ratio = window.devicePixelRatio || 1;
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.font = "bold 13px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    var lastY = -Infinity;
    current.bands.forEach(function (band) {
      var top = network.canvasToDOM({ x: 0, y: band.top }).y;
      var bottom = network.canvasToDOM({ x: 0, y: band.bottom }).y;
      if (bottom < 0 || top > container.clientHeight) return;
      var y = Math.max(Math.max(top, 0) + 11, lastY + 20);
      lastY = y;
      var text = (index.levels[band.code] || band.label).toUpperCase();
      var w = ctx.measureText(text).width;
      ctx.fillStyle = "rgba(255,255,255,0.85)";
      ctx.fillRect(4, y - 10, w + 12, 20);
      ctx.fillStyle = "#455a64";
      ctx.fillText(text, 10, y);
    });
    ctx.restore();
    if (api.ready && api.drawnAt === null) api.drawnAt = performance.now();
  });

  // --- details of an actor ------------------------------------------------------------------
  var details = document.getElementById("details");
  function hideDetails() { details.hidden = true; }
  function row(parent, key, value) {
    if (!value) return;
    var line = el("div", "row");
    line.appendChild(el("span", "key", key + ": "));
    line.appendChild(document.createTextNode(value));
    parent.appendChild(line);
  }
  function list(parent, key, items, cls) {
    if (!items || !items.length) return;
    parent.appendChild(el("div", "key", key));
    var ul = el("ul", cls);
    items.forEach(function (item) { ul.appendChild(el("li", null, item)); });
    parent.appendChild(ul);
  }
  function showDetails(n) {
    clear(details);
    var close = el("button", "close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "close");
    close.addEventListener("click", hideDetails);
    details.appendChild(close);
    details.appendChild(el("strong", null, n.full));
    row(details, "also", (n.names || []).join(", "));
    row(details, "type", n.typeLabel);
    row(details, "levels", (n.levelLabels || []).join(", "));
    list(details, "competences", n.competenceLabels);
    var links = current.edges.filter(function (e) { return e.from === n.id || e.to === n.id; })
      .map(function (e) {
        var other = e.from === n.id ? e.to : e.from;
        var o = current.nodes.filter(function (m) { return m.id === other; })[0];
        var name = o ? o.full : other;
        return (e.from === n.id ? "→ " : "← ") + name + ": " +
          e.types.map(function (t) { return t[0] + (t[1] > 1 ? " ×" + t[1] : ""); }).join(", ");
      });
    list(details, "links", links);
    if (n.gapCount) {
      list(details, plural(n.gapCount, "gap"), n.gaps, "gap");
      if (n.gapCount > n.gaps.length) details.appendChild(el("div", "more", "and " + number(n.gapCount - n.gaps.length) + " more (the atlas's gap page lists them all)"));
    }
    list(details, "sources", n.sources);
    details.hidden = false;
  }
  function selectActor(id) {
    network.selectNodes([id]);
    api.selected = id;
    var n = current.nodes.filter(function (m) { return m.id === id; })[0];
    if (n && n.inside) showDetails(n);
    network.focus(id, { scale: Math.max(network.getScale(), 0.9), animation: false });
  }
  api.select = function (id) { selectActor(id); saveState(); };

  network.on("click", function (params) {
    if (!params.nodes.length) return;
    var id = params.nodes[0];
    var n = current.nodes.filter(function (m) { return m.id === id; })[0];
    if (!n) return;
    if (n.kind === "group") { api.show(n.id); return; }
    if (!n.inside) { api.show(n.home, n.id); return; }
    selectActor(n.id);
    saveState();
  });
  network.on("hoverNode", function () { container.style.cursor = "pointer"; });
  network.on("blurNode", function () { container.style.cursor = "default"; });

  // --- search across every actor, not only those drawn ---------------------------------------
  var search = document.getElementById("search");
  var results = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  function runSearch() {
    var query = search.value.trim().toLowerCase();
    clear(results);
    if (!query) { status.textContent = ""; return; }
    var matches = index.actors.filter(function (a) {
      return a[0].toLowerCase().indexOf(query) >= 0 || a[1].toLowerCase().indexOf(query) >= 0;
    });
    status.textContent = !matches.length ? "no actor matches" : matches.length === 1 ? "1 match" :
      number(matches.length) + " matches" + (matches.length > 40 ? " (the first 40 shown)" : "");
    matches.slice(0, 40).forEach(function (a) {
      var li = el("li"), button = el("button", null, a[0]);
      button.type = "button";
      button.title = index.groups[a[2]][0];
      button.addEventListener("click", function () { api.show(a[2], a[3]); });
      li.appendChild(button);
      results.appendChild(li);
    });
  }
  search.addEventListener("input", runSearch);
  api.search = function (text) { search.value = text; runSearch(); return results.children.length; };

  // --- zoom, export ---------------------------------------------------------------------------
  function zoomBy(factor) { network.moveTo({ scale: network.getScale() * factor, animation: false }); }
  document.getElementById("zoom-in").addEventListener("click", function () { zoomBy(1.4); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoomBy(1 / 1.4); });
  document.getElementById("zoom-fit").addEventListener("click", function () { network.fit({ animation: false }); });
  document.getElementById("zoom-up").addEventListener("click", api.up);
  api.exportPng = function () {
    var canvas = container.querySelector("canvas");
    var link = document.createElement("a");
    link.href = canvas.toDataURL("image/png");
    link.download = (index.groups[api.view][0] || "map").replace(/[^A-Za-z0-9]+/g, "-") + ".png";
    document.body.appendChild(link);
    link.click();
    link.remove();
    return link.href;
  };
  document.getElementById("export-png").addEventListener("click", api.exportPng);

  // label boxes in canvas coordinates (the tests check that none overlaps another)
  api.labelBoxes = function () {
    return nodes.getIds().map(function (id) {
      var size = network.body.nodes[id].labelModule.size;
      return { id: id, left: size.left, top: size.top, width: size.width, height: size.height };
    });
  };
  api.visibleNodeIds = function () { return nodes.getIds(); };

  // --- start: the view named in the address, else the root -----------------------------------
  var wanted = {};
  location.hash.replace(/^#/, "").split("&").forEach(function (part) {
    var kv = part.split("=");
    if (kv[0]) wanted[kv[0]] = decodeURIComponent(kv[1] || "");
  });
  api.ready = true;
  if (!api.show(wanted.view || index.root, wanted.select)) api.show(index.root);
})();
