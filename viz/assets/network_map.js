/* govatlas network map: draws the payload of viz/network_map.py with vis-network.
 *
 * Safety rule of this file: every text that comes from data is put in the page with
 * textContent (or drawn on the canvas), never with innerHTML, and tooltips are DOM elements,
 * so vis-network never interprets a title string as HTML.
 */
(function () {
  "use strict";
  var GAP = "#d32f2f";
  var timings = { start: performance.now() };
  var data = JSON.parse(document.getElementById("map-data").textContent);
  timings.parsed = performance.now();
  var api = window.govatlasMap = { data: data, drawnAt: null, ready: false, clusters: [],
                                   timings: timings };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  var nodeById = {};
  data.nodes.forEach(function (n) { nodeById[n.id] = n; });
  var edgeById = {};
  data.edges.forEach(function (e) { edgeById[e.id] = e; });

  // --- tooltips: DOM elements, filled when first shown ---------------------------------------
  function row(parent, key, value) {
    if (value === undefined || value === null || value === "") return;
    var line = el("div", "row");
    line.appendChild(el("span", "key", key + ": "));
    line.appendChild(document.createTextNode(String(value)));
    parent.appendChild(line);
  }
  function list(parent, key, items, limit, cls) {
    if (!items || !items.length) return;
    parent.appendChild(el("div", "key", key + " (" + items.length + ")"));
    var ul = el("ul", cls);
    items.slice(0, limit).forEach(function (item) { ul.appendChild(el("li", null, item)); });
    if (items.length > limit) ul.appendChild(el("li", "more", "+ " + (items.length - limit) + " more"));
    parent.appendChild(ul);
  }
  function fillNode(box, n, full) {
    box.appendChild(el("strong", null, n.full + (n.acronym ? " (" + n.acronym + ")" : "")));
    row(box, "Also called", n.names.join("; "));
    row(box, "Type", n.typeLabel);
    row(box, "Period", n.validFrom || n.validUntil ? (n.validFrom || "…") + " – " + (n.validUntil || "…") : "");
    row(box, "Levels", n.levelLabels.join(", "));
    row(box, "Country", n.country);
    row(box, "Territories", n.territories.join(", "));
    row(box, data.sizeBy, n.measure);
    var big = full ? 1000 : 8;
    list(box, "Competences", n.competenceLabels, full ? 1000 : 12);
    list(box, "Links", n.links, big);
    list(box, "Gaps", activeTexts(n.gaps, n.gapNow, n.gapSteps), full ? 1000 : 4, "gap");
    list(box, "Sources", n.sources, full ? 1000 : 5);
  }
  function fillEdge(box, e) {
    box.appendChild(el("strong", e.kind === "gap" ? "gap" : null, e.text));
    if (e.kind === "gap") {
      list(box, "Gaps", activeTexts(e.messages, e.messageNow, e.messageSteps), 8, "gap");
      list(box, "What the sources say", e.evidence, 6);
      return;
    }
    row(box, "Link type", e.typeLabel + (e.family ? " (" + e.family + ")" : ""));
    row(box, "Instrument", e.instrumentLabel);
    row(box, "Competence", e.competenceLabel);
    row(box, "Period", e.period);
    row(box, "Status", e.status);
    list(box, "Sources", e.sources, 5);
  }
  function holder() { return el("div", "tip"); }
  var clusterInfo = {};
  function fillTip(id) {
    var box = tips[id];
    if (!box) return;
    clear(box);  // filled each time: what it lists follows the date
    if (nodeById[id]) fillNode(box, nodeById[id], false);
    else if (edgeById[id]) fillEdge(box, edgeById[id]);
    else if (clusterInfo[id]) {
      box.appendChild(el("strong", null, clusterInfo[id].title));
      box.appendChild(el("div", "row", "Click to open the cluster."));
    }
  }
  var tips = {};

  // --- time: which statements and gaps hold on the chosen date -------------------------------
  var steps = data.timeline.steps;
  var gapsFollow = data.timeline.gapsFollow;
  function currentDay() {
    var all = document.getElementById("time-all"), range = document.getElementById("time");
    if (!range || (all && all.checked)) return null;
    return steps[+range.value] || null;
  }
  function validOn(item, day) {
    if (!day) return true;
    return (!item.validFrom || item.validFrom.slice(0, 10) <= day) &&
           (!item.validUntil || day <= item.validUntil.slice(0, 10));
  }
  // a gap text holds in the "every period" view when it is among the start's gaps, and on a
  // date when the shapes found it on the graph of that date
  function gapHolds(now, stepList, day) {
    if (!day || !gapsFollow) return now;
    return stepList.indexOf(day) >= 0;
  }
  function activeTexts(texts, now, stepList) {
    var day = currentDay();
    return texts.filter(function (t, i) { return gapHolds(now[i], stepList[i], day); });
  }

  // --- vis data ------------------------------------------------------------------------------
  function darker(hex) {
    var n = parseInt(hex.slice(1), 16), f = 0.65;
    var r = Math.round((n >> 16) * f), g = Math.round(((n >> 8) & 255) * f), b = Math.round((n & 255) * f);
    return "#" + ((1 << 24) + (r << 16) + (g << 8) + b).toString(16).slice(1);
  }
  var big = data.nodes.length > 1000;
  function nodeHasGap(n, day) {
    for (var i = 0; i < n.gaps.length; i++) if (gapHolds(n.gapNow[i], n.gapSteps[i], day)) return true;
    return false;
  }
  function nodeColor(n, gap) {
    return { background: n.color, border: gap ? GAP : darker(n.color),
             highlight: { background: n.color, border: "#000" },
             hover: { background: n.color, border: gap ? GAP : "#000" } };
  }
  var visNodes = data.nodes.map(function (n) {
    var gap = false;
    tips[n.id] = holder();
    return {  // no vis label: the page draws the labels itself (see "labels" below)
      id: n.id, x: n.x, y: n.y, shape: n.shape, size: n.size,
      level: n.level, type: n.type, group: n.group, hidden: false,
      borderWidth: gap ? 3.5 : 1.5, borderWidthSelected: 4,
      color: nodeColor(n, gap), title: tips[n.id]
    };
  });
  function smooth(e) {
    if (e.kind === "gap") return { enabled: true, type: "curvedCCW", roundness: 0.22 };
    if (e.parallel > 0) {
      return { enabled: true, type: e.parallel % 2 ? "curvedCW" : "curvedCCW",
               roundness: 0.12 * Math.ceil(e.parallel / 2) };
    }
    if (e.sameRow) return { enabled: true, type: "curvedCW", roundness: 0.3 };
    return { enabled: false };
  }
  var visEdges = data.edges.map(function (e) {
    tips[e.id] = holder();
    var gap = e.kind === "gap";
    return {
      id: e.id, from: e.from, to: e.to, kind: e.kind, type: e.type, hidden: false,
      arrows: gap ? { to: { enabled: false } } : { to: { enabled: true, scaleFactor: 0.6 } },
      color: { color: e.color, highlight: e.color, hover: e.color, opacity: gap ? 0.9 : 0.75 },
      width: gap ? 2.2 : 1.6, dashes: gap ? [8, 5] : false, smooth: smooth(e),
      title: tips[e.id]
    };
  });
  var nodes = new vis.DataSet(visNodes);
  var edges = new vis.DataSet(visEdges);
  api.nodes = nodes;
  api.edges = edges;

  var options = {
    autoResize: true,
    physics: { enabled: false },
    layout: { improvedLayout: false, hierarchical: { enabled: false } },
    interaction: { hover: !big, tooltipDelay: 120, hideEdgesOnDrag: big, hideEdgesOnZoom: big,
                   navigationButtons: false, keyboard: false, zoomSpeed: 0.7 },
    nodes: {
      font: { size: 17, face: "system-ui, sans-serif", color: "#1a1a1a", strokeWidth: 4,
              strokeColor: "#ffffff" },
      widthConstraint: { maximum: 175 }, shadow: false, chosen: true
    },
    edges: { selectionWidth: 1.5, hoverWidth: 0.8, arrowStrikethrough: false }
  };
  var container = document.getElementById("network");
  timings.datasets = performance.now();
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  api.network = network;
  timings.network = performance.now();

  // --- level bands, column titles and band labels ---------------------------------------------
  var minX = Infinity, maxX = -Infinity;
  data.nodes.forEach(function (n) { minX = Math.min(minX, n.x); maxX = Math.max(maxX, n.x); });
  if (!isFinite(minX)) { minX = 0; maxX = 0; }
  var shelfSpan = {};  // shelf -> [top of its first band, bottom of its last]
  data.bands.forEach(function (band) {
    var span = shelfSpan[band.shelf] = shelfSpan[band.shelf] || [band.top, band.bottom];
    span[0] = Math.min(span[0], band.top);
    span[1] = Math.max(span[1], band.bottom);
  });
  network.on("beforeDrawing", function (ctx) {
    var shade = 0, shelf = -1;
    data.bands.forEach(function (band) {
      if (band.shelf !== shelf) { shelf = band.shelf; shade = 0; }
      ctx.fillStyle = shade++ % 2 ? "#ffffff" : "#f1f4f9";
      ctx.fillRect(minX - 4000, band.top, maxX - minX + 8000, band.bottom - band.top);
    });
    // a faint line between two columns of a shelf, over the height of its bands
    ctx.strokeStyle = "#dde3e7";
    ctx.lineWidth = 1.2 / network.getScale();
    ctx.setLineDash([6 / network.getScale(), 6 / network.getScale()]);
    for (var c = 1; c < data.columns.length; c++) {
      var before = data.columns[c - 1], column = data.columns[c];
      if (before.shelf !== column.shelf) continue;
      var x = (before.right + column.left) / 2;
      var span = shelfSpan[column.shelf];
      ctx.beginPath();
      ctx.moveTo(x, span[0]);
      ctx.lineTo(x, span[1]);
      ctx.stroke();
    }
    ctx.setLineDash([]);
  });
  network.on("afterDrawing", function (ctx) {
    var ratio = window.devicePixelRatio || 1;
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.font = "bold 13px system-ui, sans-serif";
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    var lastY = -Infinity, obstacles = [];
    data.bands.forEach(function (band) {
      var top = network.canvasToDOM({ x: 0, y: band.top }).y;
      var bottom = network.canvasToDOM({ x: 0, y: band.bottom }).y;
      if (bottom < 0 || top > container.clientHeight) return;
      var y = Math.max(Math.max(top, 0) + 11, lastY + 20);  // thin bands: keep names apart
      lastY = y;
      var text = band.label.toUpperCase();
      var w = ctx.measureText(text).width;
      ctx.fillStyle = "rgba(255,255,255,0.85)";
      ctx.fillRect(4, y - 10, w + 12, 20);
      ctx.fillStyle = "#455a64";
      ctx.fillText(text, 10, y);
      obstacles.push({ left: 4, top: y - 10, width: w + 12, height: 20 });
    });
    if (data.columns.length && data.bands.length) {
      // column (country or territory) names above their shelf's top band, at a readable size
      ctx.font = "bold 12px system-ui, sans-serif";
      ctx.textAlign = "center";
      ctx.fillStyle = "#37474f";
      // two lines of names: one too close to the previous name on the lower line goes on
      // the upper one, and is left out when it fits on neither
      var lastRight = [-Infinity, -Infinity], lastShelf = -1;
      data.columns.forEach(function (c) {
        if (c.shelf !== lastShelf) { lastShelf = c.shelf; lastRight = [-Infinity, -Infinity]; }
        var span = shelfSpan[c.shelf];
        if (!span) return;
        var x = network.canvasToDOM({ x: (c.left + c.right) / 2, y: 0 }).x;
        var half = ctx.measureText(c.label).width / 2;
        var line = x - half >= lastRight[0] + 6 ? 0 : x - half >= lastRight[1] + 6 ? 1 : -1;
        if (line < 0) return;
        var y0 = Math.max(network.canvasToDOM({ x: 0, y: span[0] }).y - 9 - 15 * line, 8);
        if (x > 120 && x < container.clientWidth && y0 < container.clientHeight) {
          ctx.fillStyle = "rgba(255,255,255,0.85)";
          ctx.fillRect(x - half - 3, y0 - 8, 2 * half + 6, 16);
          ctx.fillStyle = "#37474f";
          ctx.fillText(c.label, x, y0);
          obstacles.push({ left: x - half - 3, top: y0 - 8, width: 2 * half + 6, height: 16 });
          lastRight[line] = x + half;
        }
      });
    }
    drawLabels(ctx, obstacles);
    ctx.restore();
    if (api.ready && api.drawnAt === null) {
      api.drawnAt = performance.now();  // first frame of the finished map (tests read it)
    }
  });
  network.on("showPopup", fillTip);

  // --- labels: drawn by the page at a size that can be read, none over another --------------
  // vis-network scales labels with the zoom, so a fitted map of two hundred actors shows
  // labels of four pixels. Here a label keeps between 11 and 15 screen pixels whatever the
  // zoom, and labels are placed most central actor first (the selected one before all): one
  // that would cover a label already placed is left out until the reader zooms in (a grid of
  // placed boxes keeps the test linear). Every actor's full name is on hover and in search.
  var labelOrder = data.nodes.slice().sort(function (a, b) {
    return b.measure - a.measure || b.size - a.size || (a.full < b.full ? -1 : a.full > b.full ? 1 : 0);
  }).map(function (n) { return n.id; });
  var lineCache = {};
  function wrapLabel(ctx, n, px, width) {
    var key = n.id + "\u0001" + px + "\u0001" + width;
    if (lineCache[key]) return lineCache[key];
    var words = n.label.split(/\s+/), lines = [], line = "";
    for (var i = 0; i < words.length; i++) {
      var next = line ? line + " " + words[i] : words[i];
      if (!line || ctx.measureText(next).width <= width) { line = next; continue; }
      lines.push(line);
      line = words[i];
      if (lines.length === 2) { line = null; break; }
    }
    if (line) lines.push(line);
    if (line === null) lines[1] = lines[1] + " …";
    lines = lines.map(function (text) {  // a single word wider than the box is cut
      if (ctx.measureText(text).width <= width) return text;
      while (text.length > 2 && ctx.measureText(text + "…").width > width) text = text.slice(0, -1);
      return text + "…";
    });
    var widest = 0;
    lines.forEach(function (text) { widest = Math.max(widest, ctx.measureText(text).width); });
    return (lineCache[key] = { lines: lines, width: widest });
  }
  var placedLabels = [];
  function drawLabels(ctx, obstacles) {
    var scale = network.getScale();
    var px = Math.round(Math.max(11, Math.min(15, 17 * scale)) * 2) / 2;
    var width = Math.round(px * 10);
    var lineHeight = Math.round(px * 1.2);
    var W = container.clientWidth, H = container.clientHeight, cell = 48;
    var grid = {};
    var selected = {};
    network.getSelectedNodes().forEach(function (id) { selected[id] = true; });
    var order = Object.keys(selected).filter(function (id) { return nodeById[id]; })
      .concat(labelOrder.filter(function (id) { return !selected[id]; }));
    var bodyNodes = network.body.nodes;
    placedLabels = [];
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    function free(box) {
      for (var gx = Math.floor(box.left / cell); gx <= Math.floor((box.left + box.width) / cell); gx++) {
        for (var gy = Math.floor(box.top / cell); gy <= Math.floor((box.top + box.height) / cell); gy++) {
          var list = grid[gx + "," + gy];
          if (!list) continue;
          for (var k = 0; k < list.length; k++) {
            var o = list[k];
            if (box.left < o.left + o.width && o.left < box.left + box.width &&
                box.top < o.top + o.height && o.top < box.top + box.height) return false;
          }
        }
      }
      return true;
    }
    function keep(box) {
      for (var gx = Math.floor(box.left / cell); gx <= Math.floor((box.left + box.width) / cell); gx++) {
        for (var gy = Math.floor(box.top / cell); gy <= Math.floor((box.top + box.height) / cell); gy++) {
          (grid[gx + "," + gy] = grid[gx + "," + gy] || []).push(box);
        }
      }
    }
    (obstacles || []).forEach(keep);
    for (var i = 0; i < order.length; i++) {
      var id = order[i], body = bodyNodes[id];
      // hidden by a filter, or inside a closed cluster (then not among the drawn nodes)
      if (!body || body.options.hidden) continue;
      if (clusteredAway[id]) continue;
      var p = network.canvasToDOM({ x: body.x, y: body.y });
      var r = (body.options.size || 10) * scale;
      if (p.x < -width || p.x > W + width || p.y < -40 || p.y > H + 40) continue;
      var bold = !!selected[id];
      ctx.font = (bold ? "bold " : "") + px + "px system-ui, sans-serif";
      var wrapped = wrapLabel(ctx, nodeById[id], px + (bold ? "b" : ""), width);
      var box = { id: id, text: nodeById[id].label, left: p.x - wrapped.width / 2 - 2,
                  top: p.y + r + 2, width: wrapped.width + 4,
                  height: wrapped.lines.length * lineHeight, px: px };
      if (!bold && !free(box)) continue;
      keep(box);
      placedLabels.push(box);
      ctx.lineWidth = 3.5;
      ctx.strokeStyle = "rgba(255,255,255,0.92)";
      ctx.fillStyle = "#1a1a1a";
      for (var j = 0; j < wrapped.lines.length; j++) {
        ctx.strokeText(wrapped.lines[j], p.x, box.top + j * lineHeight);
        ctx.fillText(wrapped.lines[j], p.x, box.top + j * lineHeight);
      }
    }
  }
  var clusteredAway = {};  // actor id -> true while it is inside a closed cluster
  // the labels drawn in the last frame, in screen pixels (the tests check none overlaps)
  api.labelBoxes = function () { return placedLabels.slice(); };


  // --- details panel ------------------------------------------------------------------------
  var details = document.getElementById("details");
  function showDetails(id) {
    var n = nodeById[id];
    if (!n) { details.hidden = true; return; }
    clear(details);
    var close = el("button", "close", "×");
    close.setAttribute("aria-label", "close");
    close.addEventListener("click", function () { details.hidden = true; });
    details.appendChild(close);
    var box = el("div", "tip");
    fillNode(box, n, true);
    details.appendChild(box);
    details.dataset.node = id;
    details.hidden = false;
  }
  api.showDetails = showDetails;

  // --- clusters -----------------------------------------------------------------------------
  var openClusters = {}, clusterMembers = {};
  function release(clusterPosition, contained) {
    var out = {};
    Object.keys(contained).forEach(function (id) {
      var n = nodeById[id];
      out[id] = n ? { x: n.x, y: n.y } : contained[id];
    });
    return out;
  }
  function openCluster(id, refresh) {
    if (!openClusters[id]) return;
    delete openClusters[id];
    (clusterMembers[id] || []).forEach(function (member) { delete clusteredAway[member]; });
    delete clusterMembers[id];
    network.openCluster(id, { releaseFunction: release }, refresh !== false);
  }
  function openAll() {
    Object.keys(openClusters).forEach(function (id) { openCluster(id, false); });
  }
  function clusterKey(n, by) {
    if (by === "type") return n.group + "\u0001" + n.type;
    if (by === "group") return n.group;
    return n.group + "\u0001" + n.level;
  }
  var levelLabel = {};
  data.levels.forEach(function (l) { levelLabel[l.code] = l.label; });
  var typeLabel = {};
  data.types.forEach(function (t) { typeLabel[t.code] = t.label; });
  // The zoom at which the whole map fits: cluster labels are sized to be read at that zoom.
  function fitScale() {
    var spanX = (maxX - minX) + 400, spanY = 400;
    if (data.bands.length) spanY = data.bands[data.bands.length - 1].bottom - data.bands[0].top + 200;
    return Math.min((container.clientWidth || 800) / spanX, (container.clientHeight || 600) / spanY, 1);
  }
  function clusterAll(by) {
    openAll();
    // no wider than the gap between two columns, so neighbouring clusters do not overlap
    var pitch = Infinity;
    for (var c = 1; c < data.columns.length; c++) {  // columns side by side on a shelf
      if (data.columns[c].shelf !== data.columns[c - 1].shelf) continue;
      pitch = Math.min(pitch, data.columns[c].left - data.columns[c - 1].left);
    }
    var fontSize = Math.max(16, Math.round(Math.min(13 / fitScale(), pitch / 9)));
    if (by) {
      var groups = {};
      data.nodes.forEach(function (n) {
        if (hidden[n.id]) return;
        var key = clusterKey(n, by);
        (groups[key] = groups[key] || []).push(n);
      });
      Object.keys(groups).sort().forEach(function (key) {
        var members = groups[key];
        if (members.length < 3) return;
        var inside = {};
        var sx = 0, sy = 0;
        members.forEach(function (m) { inside[m.id] = true; sx += m.x; sy += m.y; });
        var first = members[0];
        var what = by === "type" ? typeLabel[first.type] : by === "group" ? "" : levelLabel[first.level];
        var where = data.columns.length ? first.group : "";
        var name = [what, where].filter(Boolean).join(" · ");
        var label = (what || where) + "\n" + (what && where ? where + " · " : "") +
          members.length + " actors";
        var id = "cluster:" + by + ":" + key;
        clusterInfo[id] = { title: name + ": " + members.length + " actors" };
        tips[id] = holder();
        network.cluster({
          joinCondition: function (o) { return inside[o.id] === true; },
          clusterNodeProperties: {
            id: id, label: label, shape: "box",
            x: sx / members.length, y: sy / members.length, borderWidth: 2,
            color: { background: "#eceff1", border: "#455a64",
                     highlight: { background: "#cfd8dc", border: "#263238" } },
            font: { size: fontSize, face: "system-ui, sans-serif", color: "#263238" },
            margin: Math.round(fontSize / 2), title: tips[id],
            widthConstraint: { maximum: Math.min(fontSize * 11, pitch * 0.9) }
          },
          clusterEdgeProperties: { color: { color: "#90a4ae", opacity: 0.5 }, width: 1,
                                   smooth: { enabled: false } }
        }, false);
        openClusters[id] = true;
        clusterMembers[id] = members.map(function (m) { clusteredAway[m.id] = true; return m.id; });
      });
    }
    network.body.emitter.emit("_dataChanged");
    api.clusters = Object.keys(openClusters);
  }
  api.clusterAll = clusterAll;
  api.openCluster = function (id) { openCluster(id); api.clusters = Object.keys(openClusters); };

  network.on("click", function (params) {
    if (params.nodes.length !== 1) return;
    var id = params.nodes[0];
    if (openClusters[id]) { api.openCluster(id); return; }
    showDetails(id);
  });

  // --- filters --------------------------------------------------------------------------------
  var hidden = {};
  function checked(name) {
    var on = {};
    document.querySelectorAll("input[name='" + name + "']").forEach(function (box) {
      if (box.checked) on[box.value] = true;
    });
    return on;
  }
  function value(id) { var node = document.getElementById(id); return node ? node.value : ""; }
  var clusterSelect = document.getElementById("cluster-by");
  var shownBefore = null, dayBefore = undefined, gapOn = {};
  api.timeChanges = { appeared: [], ended: [] };
  function hideTooltip() {
    var handler = network.interactionHandler;
    if (handler && handler.popup) handler.popup.hide();
  }
  function applyFilters() {
    var levels = checked("level"), types = checked("type"), links = checked("link");
    var instrument = value("filter-instrument"), competence = value("filter-competence");
    var gapsBox = document.getElementById("filter-gaps");
    var gaps = gapsBox ? gapsBox.checked : true;
    var day = currentDay();
    var timeLabel = document.getElementById("time-label");
    if (timeLabel) timeLabel.textContent = day ? day.slice(0, 4) + " (" + day + ")" : "every period";
    var nodeOn = {};
    data.nodes.forEach(function (n) {
      nodeOn[n.id] = !!levels[n.level] && !!types[n.type] && validOn(n, day) &&
        (!competence || n.competences.indexOf(competence) >= 0);
    });
    if (instrument) {
      var touched = {};
      data.edges.forEach(function (e) {
        if (e.kind === "link" && e.instrument === instrument && links[e.type] && validOn(e, day)) {
          touched[e.from] = true; touched[e.to] = true;
        }
      });
      data.nodes.forEach(function (n) { nodeOn[n.id] = nodeOn[n.id] && !!touched[n.id]; });
    }
    var edgeOn = {};
    data.edges.forEach(function (e) {
      var on = nodeOn[e.from] && nodeOn[e.to];
      if (e.kind === "gap") {
        on = on && gaps && e.messages.some(function (t, i) {
          return gapHolds(e.messageNow[i], e.messageSteps[i], day); });
      } else {
        on = on && !!links[e.type] && validOn(e, day) && (!instrument || e.instrument === instrument);
      }
      edgeOn[e.id] = on;
    });
    // what changed since the date shown before: appeared links and gaps are drawn thick,
    // ended ones stay for this step as faint grey dashes
    var timeMoved = shownBefore !== null && day !== dayBefore;
    var appeared = [], ended = [];
    if (timeMoved) {
      data.edges.forEach(function (e) {
        if (edgeOn[e.id] && !shownBefore[e.id]) appeared.push(e.id);
        if (!edgeOn[e.id] && shownBefore[e.id] && nodeOn[e.from] !== undefined) ended.push(e.id);
      });
      api.timeChanges = { appeared: appeared, ended: ended };
    }
    var isAppeared = {}, isEnded = {};
    appeared.forEach(function (id) { isAppeared[id] = true; });
    ended.forEach(function (id) { isEnded[id] = true; });
    var clusterBy = clusterSelect ? clusterSelect.value : "";
    var reCluster = Object.keys(openClusters).length > 0 || clusterBy;
    if (reCluster) openAll();
    var nodeUpdates = [], edgeUpdates = [];
    data.nodes.forEach(function (n) {
      var hide = !nodeOn[n.id];
      var gap = nodeHasGap(n, day);
      if (!!hidden[n.id] !== hide || !!gapOn[n.id] !== gap) {
        nodeUpdates.push({ id: n.id, hidden: hide, color: nodeColor(n, gap),
                           borderWidth: gap ? 3.5 : 1.5 });
      }
      hidden[n.id] = hide;
      gapOn[n.id] = gap;
    });
    data.edges.forEach(function (e) {
      var hide = !edgeOn[e.id] && !isEnded[e.id];
      var marked = isAppeared[e.id] ? "up" : isEnded[e.id] ? "down" : "";
      if (!!hidden[e.id] !== hide || (edgeMark[e.id] || "") !== marked) {
        edgeUpdates.push(edgeLook(e, hide, marked));
      }
      hidden[e.id] = hide;
      edgeMark[e.id] = marked;
    });
    if (nodeUpdates.length) nodes.update(nodeUpdates);
    if (edgeUpdates.length) edges.update(edgeUpdates);
    if (reCluster) clusterAll(clusterBy);
    hideTooltip();  // a tooltip must not outlive its node
    if (details && !details.hidden && details.dataset.node && hidden[details.dataset.node]) {
      details.hidden = true;
    }
    shownBefore = edgeOn;
    api.edgeOn = edgeOn;  // drawn as in place (ended ones shown faint are not)
    dayBefore = day;
    var changes = document.getElementById("time-changes");
    if (changes && timeMoved) {
      clear(changes);
      var count = function (ids, kind) {
        return ids.filter(function (id) { return edgeById[id].kind === kind; }).length; };
      var parts = [["up", "+" + count(appeared, "link") + " links, +" + count(appeared, "gap") + " gaps"],
                   ["down", "−" + count(ended, "link") + " links, −" + count(ended, "gap") + " gaps"]];
      changes.appendChild(document.createTextNode("Since the date before: "));
      parts.forEach(function (part, i) {
        if (i) changes.appendChild(document.createTextNode("; "));
        changes.appendChild(el("span", part[0], part[1]));
      });
      changes.appendChild(document.createTextNode(" (thick: new; faint: ended)."));
    }
    var shown = data.nodes.filter(function (n) { return !hidden[n.id]; }).length;
    var shownEdges = data.edges.filter(function (e) { return edgeOn[e.id] && e.kind === "link"; }).length;
    document.getElementById("visible-count").textContent =
      "Showing " + shown + " of " + data.nodes.length + " " + plural(data.nodes.length, "actor") +
      " and " + shownEdges + " " + plural(shownEdges, "link") +
      (api.clusters.length ? ", " + api.clusters.length + " " + plural(api.clusters.length, "cluster") : "") + ".";
    saveState();
  }
  function plural(n, word) { return n === 1 ? word : word + "s"; }
  var edgeMark = {};
  function edgeLook(e, hide, marked) {
    var gap = e.kind === "gap";
    var base = gap ? 2.2 : 1.6;
    if (marked === "down") {
      return { id: e.id, hidden: hide, width: base, dashes: [2, 4],
               color: { color: "#9e9e9e", highlight: "#9e9e9e", hover: "#9e9e9e", opacity: 0.45 } };
    }
    return { id: e.id, hidden: hide, width: marked === "up" ? base * 2.6 : base,
             dashes: gap ? [8, 5] : false,
             color: { color: e.color, highlight: e.color, hover: e.color, opacity: gap ? 0.9 : 0.75 } };
  }
  api.applyFilters = applyFilters;
  api.visibleNodeIds = function () {
    return nodes.get({ filter: function (n) { return !n.hidden; } }).map(function (n) { return n.id; });
  };
  document.querySelectorAll("#controls input[type='checkbox'], #controls select").forEach(function (box) {
    box.addEventListener("change", applyFilters);
  });
  var timeRange = document.getElementById("time"), timeAll = document.getElementById("time-all");
  if (timeRange) {
    timeRange.addEventListener("input", function () {
      if (timeAll) timeAll.checked = false;
      applyFilters();
    });
  }
  // moves the slider to ``day`` (one of data.timeline.steps) or to every period (null)
  api.setDay = function (day) {
    if (!timeRange) return;
    if (day === null) { timeAll.checked = true; }
    else { timeAll.checked = false; timeRange.value = String(Math.max(0, steps.indexOf(day))); }
    applyFilters();
  };

  // --- the view in the address: filters, date, selection, zoom -------------------------------
  var stateReady = false;
  function saveState() {
    if (!stateReady) return;
    var state = new URLSearchParams();
    ["level", "type", "link"].forEach(function (name) {
      var off = [];
      document.querySelectorAll("input[name='" + name + "']").forEach(function (box) {
        if (!box.checked) off.push(box.value);
      });
      if (off.length) state.set("off-" + name, off.join(","));
    });
    if (value("filter-instrument")) state.set("instrument", value("filter-instrument"));
    if (value("filter-competence")) state.set("competence", value("filter-competence"));
    var gapsBox = document.getElementById("filter-gaps");
    if (gapsBox && !gapsBox.checked) state.set("gaps", "0");
    var day = currentDay();
    if (timeRange) state.set("date", day || "all");
    if (clusterSelect) state.set("cluster", clusterSelect.value || "none");
    var selected = network.getSelectedNodes();
    if (selected.length === 1 && nodeById[selected[0]]) state.set("select", selected[0]);
    if (search.value) state.set("q", search.value);
    var centre = network.getViewPosition();
    state.set("zoom", [network.getScale().toFixed(4), centre.x.toFixed(1), centre.y.toFixed(1)].join(","));
    history.replaceState(null, "", "#" + state.toString());
  }
  api.saveState = saveState;
  function restoreState() {
    var state = new URLSearchParams(location.hash.slice(1));
    ["level", "type", "link"].forEach(function (name) {
      var off = (state.get("off-" + name) || "").split(",");
      document.querySelectorAll("input[name='" + name + "']").forEach(function (box) {
        box.checked = off.indexOf(box.value) < 0;
      });
    });
    ["instrument", "competence"].forEach(function (name) {
      var select = document.getElementById("filter-" + name);
      if (select && state.get(name)) select.value = state.get(name);
    });
    var gapsBox = document.getElementById("filter-gaps");
    if (gapsBox) gapsBox.checked = state.get("gaps") !== "0";
    if (timeRange && state.get("date")) {
      var day = state.get("date");
      timeAll.checked = day === "all";
      if (day !== "all" && steps.indexOf(day) >= 0) timeRange.value = String(steps.indexOf(day));
    }
    if (clusterSelect && state.get("cluster")) {
      clusterSelect.value = state.get("cluster") === "none" ? "" : state.get("cluster");
    }
    return state;
  }

  // --- search ---------------------------------------------------------------------------------
  var search = document.getElementById("search");
  var results = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var matches = [];
  function focusNode(id) {
    if (!nodeById[id]) return false;
    if (hidden[id]) { status.textContent = "That actor is hidden by a filter."; return false; }
    var path = network.findNode(id);
    while (path.length > 1) {
      api.openCluster(path[0]);
      path = network.findNode(id);
    }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: false });
    showDetails(id);
    return true;
  }
  api.focusNode = focusNode;
  function runSearch() {
    var query = search.value.trim().toLowerCase();
    clear(results);
    matches = [];
    if (!query) { status.textContent = ""; return; }
    data.nodes.forEach(function (n) {
      // any part of the name or of another name (an acronym), or the end of the id
      var found = n.full.toLowerCase().indexOf(query) >= 0 ||
        n.names.some(function (name) { return name.toLowerCase().indexOf(query) >= 0; }) ||
        n.id.toLowerCase().slice(-query.length) === query;
      if (found) matches.push(n);
    });
    matches.sort(function (a, b) { return (hidden[a.id] ? 1 : 0) - (hidden[b.id] ? 1 : 0) || a.full.localeCompare(b.full); });
    status.textContent = matches.length + (matches.length === 1 ? " actor found" : " actors found") +
      (matches.length ? " (Enter shows the first)" : "");
    matches.slice(0, 40).forEach(function (n) {
      var item = el("li");
      var button = el("button", hidden[n.id] ? "off" : null,
                      n.full + (n.acronym ? " (" + n.acronym + ")" : ""));
      button.type = "button";
      button.addEventListener("click", function () { focusNode(n.id); });
      item.appendChild(button);
      results.appendChild(item);
    });
  }
  search.addEventListener("input", function () { runSearch(); saveState(); });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && matches.length) { event.preventDefault(); focusNode(matches[0].id); }
  });

  // --- export: the current view as PNG or SVG, the map's graph as JSON ----------------------
  function download(name, href) {
    var link = el("a");
    link.href = href;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }
  function fileName(ext) {
    return (data.title || "governance-network").toLowerCase().replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") + "." + ext;
  }
  api.exportPng = function () {
    var canvas = container.querySelector("canvas");
    var url = canvas.toDataURL("image/png");
    download(fileName("png"), url);
    return url;
  };
  api.exportSvg = function () {
    // the visible nodes and links at their drawn positions, as vector shapes and text
    var ids = api.visibleNodeIds(), at = network.getPositions(ids);
    var lines = [];
    edges.get({ filter: function (e) { return !e.hidden; } }).forEach(function (e) {
      var a = at[e.from], b = at[e.to], d = edgeById[e.id];
      if (!a || !b) return;
      lines.push({ x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: d.color, width: 2, dashed: d.kind === "gap" });
    });
    var text = window.govatlasSvgView({ lines: lines, nodes: ids.map(function (id) {
      var n = nodeById[id], p = at[id];
      return { x: p.x, y: p.y, r: n.size, fill: n.color, stroke: gapOn[id] ? GAP : darker(n.color),
               strokeWidth: gapOn[id] ? 3.5 : 1.5, lines: [n.label] };
    }) });
    download(fileName("svg"), URL.createObjectURL(new Blob([text], { type: "image/svg+xml" })));
    return text;
  };
  api.exportJson = function () {
    var visibleIds = {};
    api.visibleNodeIds().forEach(function (id) { visibleIds[id] = true; });
    var graph = { title: data.title, date: currentDay(), nodes: data.nodes.filter(function (n) { return visibleIds[n.id]; }),
                  edges: data.edges.filter(function (e) { return !hidden[e.id]; }) };
    var text = JSON.stringify(graph, null, 1);
    download(fileName("json"), URL.createObjectURL(new Blob([text], { type: "application/json" })));
    return text;
  };
  document.getElementById("export-png").addEventListener("click", api.exportPng);
  document.getElementById("export-svg").addEventListener("click", api.exportSvg);
  document.getElementById("export-json").addEventListener("click", api.exportJson);
  function zoomBy(factor) {
    network.moveTo({ scale: network.getScale() * factor, animation: false });
    saveState();
  }
  document.getElementById("zoom-in").addEventListener("click", function () { zoomBy(1.4); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoomBy(1 / 1.4); });
  document.getElementById("zoom-fit").addEventListener("click", function () { fitWithMargin(); saveState(); });
  network.on("zoom", function () { saveState(); });
  network.on("dragEnd", function () { saveState(); });
  network.on("selectNode", function () { saveState(); });

  // --- start ----------------------------------------------------------------------------------
  if (clusterSelect) clusterSelect.value = data.clustered ? "level" : "";
  if (timeRange) {
    var start = data.timeline.start;
    var index = start ? steps.indexOf(start) : steps.length - 1;
    timeRange.value = String(index >= 0 ? index : steps.length - 1);
  }
  var restored = location.hash.length > 1 ? restoreState() : null;
  applyFilters();
  if (restored && restored.get("q")) { search.value = restored.get("q"); runSearch(); }
  timings.filtered = performance.now();
  // Fit, leaving a strip on the left for the level names drawn there.
  function fitWithMargin() {
    network.fit({ animation: false });
    var width = container.clientWidth || 1;
    var scale = Math.min(network.getScale() * (width - 150) / width, 1.4);
    var centre = network.getViewPosition();
    network.moveTo({ position: { x: centre.x - 70 / scale, y: centre.y }, scale: scale,
                     animation: false });
  }
  api.fit = fitWithMargin;
  fitWithMargin();
  if (restored && restored.get("select") && nodeById[restored.get("select")]) {
    focusNode(restored.get("select"));
  }
  if (restored && restored.get("zoom")) {
    var z = restored.get("zoom").split(",").map(Number);
    if (z.length === 3 && z.every(isFinite)) {
      network.moveTo({ scale: z[0], position: { x: z[1], y: z[2] }, animation: false });
    }
  }
  timings.fitted = performance.now();
  stateReady = true;
  saveState();
  api.ready = true;
  network.redraw();
})();
