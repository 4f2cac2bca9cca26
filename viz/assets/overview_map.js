// govatlas overview map: one group of actors at a time, drilled into on click.
// Every view is its own <script type="application/json" id="view-ID"> block, parsed when the
// reader opens that group; the actors' gap sentences and source files are one more block
// ("map-texts"), parsed when a reader first opens an actor. Everything from data is shown with
// textContent, never innerHTML.
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
  function labels(numbers, codes, names) {
    return (numbers || []).map(function (i) { var c = codes[i]; return names[c] || c; });
  }

  // the shared texts: a gap sentence is [template, argument, ...] (or the sentence itself),
  // written out as template[0] + argument + template[1] + ...; a source is [file, lines]
  var texts = null;
  function textTable() {
    if (!texts) texts = JSON.parse(document.getElementById("map-texts").textContent);
    return texts;
  }
  function sentence(number) {
    var table = textTable(), item = table.sentences[number];
    if (typeof item === "string") return item;
    var constants = table.templates[item[0]], out = constants[0];
    for (var k = 1; k < constants.length; k++) out += table.arguments[item[k]] + constants[k];
    return out;
  }
  function sourceLine(item) {
    return typeof item === "string" ? item : textTable().files[item[0]] + " lines " + item[1];
  }
  api.sentence = sentence;

  // a view as the page carries it (one-letter keys, codes) -> the fields drawn and shown
  function expand(raw, id) {
    return {
      id: raw.id, path: raw.path,
      bands: raw.bands.map(function (b) { return { code: b[0], top: b[1], bottom: b[2] }; }),
      nodes: raw.nodes.map(function (n) {
        var level = n.lv === undefined ? "none" : index.levelCodes[n.lv];
        if (n.k === "g") {
          var g = index.groups[n.i];
          return { id: n.i, kind: "group", inside: !n.o, label: short(g[0]), full: g[0],
                   count: g[2], gaps: g[3], links: g[4], color: style(index.typeCodes[n.t]).color,
                   size: n.s, x: n.x, y: n.y, level: level };
        }
        var code = index.typeCodes[n.t], t = style(code), name = index.actors[+n.i.slice(1)][0];
        return { id: n.i, kind: "actor", inside: !n.o, home: n.h || id, label: short(name),
                 level: level, full: name, type: code, typeLabel: t.label, shape: t.shape,
                 color: t.color, size: n.s, x: n.x, y: n.y, names: n.n || [],
                 validFrom: n.vf || "", validUntil: n.vu || "",
                 levelLabels: labels(n.v, index.levelCodes, index.levels),
                 competenceLabels: labels(n.c, index.competenceCodes, index.competences),
                 sources: n.r || [], gapRefs: n.p || [], holds: n.q || [], gapCount: n.g || 0 };
      }),
      edges: raw.edges.map(function (e, i) {  // [from, to (node positions), links, type(s), direct]
        var kinds = typeof e[3] === "number" ? [[e[3], e[2]]] : e[3];
        return { id: id + ":" + i, from: raw.nodes[e[0]].i, to: raw.nodes[e[1]].i, weight: e[2],
                 direct: !!e[4],
                 kinds: e[5] || kinds.map(function (k) { return [k[0], -1, k[1]]; }),
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

  function tip(n, now) {  // now: {actors, gaps} on the date shown
    var box = el("div", "tip");
    box.appendChild(el("strong", null, n.full));
    var gaps = now ? now.gaps : n.kind === "group" ? n.gaps : n.gapCount;
    if (n.kind === "group") {
      box.appendChild(el("div", "row", plural(now ? now.actors : n.count, "actor") + ", " + plural(n.links, "link") + " among them"));
      if (gaps) box.appendChild(el("div", "row gap", plural(gaps, "gap") + " found"));
      box.appendChild(el("div", "more", n.inside ? "click to open" : "outside this group: click to open it"));
    } else {
      if (n.typeLabel) box.appendChild(el("div", "row", n.typeLabel));
      if (n.validFrom || n.validUntil) box.appendChild(el("div", "row", (n.validFrom || "…") + " – " + (n.validUntil || "…")));
      if (gaps) box.appendChild(el("div", "row gap", plural(gaps, "gap")));
      box.appendChild(el("div", "more", n.inside ? "click for details" : "outside this group: click to go there"));
    }
    return box;
  }
  function edgeTip(e, shown) {
    var box = el("div", "tip");
    var total = shown ? shown.total : e.weight;
    box.appendChild(el("strong", null, plural(total, "link") + (shown && shown.day ? " on " + shown.day : "")));
    (shown ? shown.types : e.types).forEach(function (t) {
      box.appendChild(el("div", "row", t[0] + ": " + number(t[1]))); });
    return box;
  }

  // --- filters and time: which links each line stands for now ---------------------------------
  var steps = index.timeline.steps;
  var timeRange = document.getElementById("time"), timeAll = document.getElementById("time-all");
  function currentStep() {  // the index of the date shown, or null for every period
    if (!timeRange || (timeAll && timeAll.checked)) return null;
    return +timeRange.value;
  }
  function checkedValues(name) {
    var on = {};
    document.querySelectorAll("input[name='" + name + "']").forEach(function (box) {
      if (box.checked) on[box.value] = true;
    });
    return on;
  }
  function filters() {
    var select = document.getElementById("filter-instrument");
    return { levels: checkedValues("level"), links: checkedValues("link"),
             instrument: select && select.value !== "" ? +select.value : null, step: currentStep() };
  }
  // the links a line stands for under the filters, on the date: total and per link type
  function lineCount(e, f) {
    var total = 0, byType = {};
    e.kinds.forEach(function (k) {  // [type, instrument or -1, links, links on each date]
      if (!f.links[k[0]] || (f.instrument !== null && k[1] !== f.instrument)) return;
      var n = f.step === null || !k[3] ? k[2] : k[3][f.step];
      if (!n) return;
      total += n;
      byType[k[0]] = (byType[k[0]] || 0) + n;
    });
    var types = Object.keys(byType).sort(function (a, b) { return byType[b] - byType[a]; })
      .map(function (t) { return [index.linkTypes[t][0], byType[t]]; });
    return { total: total, types: types, day: f.step === null ? "" : steps[f.step],
             colour: types.length ? index.linkTypes[Object.keys(byType).sort(function (a, b) {
               return byType[b] - byType[a]; })[0]][1] : null };
  }
  // an actor's gaps holding on the date shown: each of its sentences carries where it holds
  // ("1"/"0" for the map's start, then one character per date); without them (gaps that do
  // not follow the date) its gaps are those of the start
  function holding(n, f) {
    if (!index.timeline.gapsFollow || !n.holds.length) return null;
    var at = f.step === null ? 0 : f.step + 1;
    return n.holds.map(function (h) { return h.charAt(at) === "1"; });
  }
  function nodeGaps(n, f) {
    if (n.kind === "actor") {
      var held = holding(n, f);
      return held ? held.filter(Boolean).length : n.gapCount;
    }
    var series = index.gapSteps[n.id];
    if (!index.timeline.gapsFollow || f.step === null || !series) return n.gaps;
    return series[f.step];
  }
  function validOn(n, day) {
    return (!n.validFrom || n.validFrom <= day) && (!n.validUntil || day <= n.validUntil);
  }
  // the actors a node stands for on the date (0: not there then)
  function nodeActors(n, f) {
    if (n.kind === "actor") return f.step === null || validOn(n, steps[f.step]) ? 1 : 0;
    var series = index.actorSteps[n.id];
    return f.step === null || !series ? n.count : series[f.step];
  }
  var shownCount = {}, stepBefore, viewBefore, nodeBefore = {};
  api.timeChanges = { more: [], fewer: [], gapsUp: [], gapsDown: [], appeared: [], ended: [] };
  api.gapsShown = {};
  function hideTooltip() {
    var handler = network.interactionHandler;
    if (handler && handler.popup) handler.popup.hide();
  }
  api.drawnLinks = 0;
  function applyFilters() {
    if (!current) return;
    var f = filters();
    var label = document.getElementById("time-label");
    if (label) label.textContent = f.step === null ? "every period" : steps[f.step].slice(0, 4) + " (" + steps[f.step] + ")";
    var hiddenNode = {}, nodeUpdates = [], edgeUpdates = [], nodeNow = {};
    var moved = viewBefore === current.id && stepBefore !== undefined && stepBefore !== f.step;
    var gapsUp = [], gapsDown = [], appeared = [], ended = [], gapsShown = {};
    current.nodes.forEach(function (n) {
      var actors = nodeActors(n, f), gaps = nodeGaps(n, f);
      hiddenNode[n.id] = !f.levels[n.level] || !actors;
      nodeNow[n.id] = { actors: actors, gaps: gaps, shown: !hiddenNode[n.id] };
      if (!hiddenNode[n.id]) gapsShown[n.id] = gaps;
      // what changed since the date before: more gaps (thick red border), fewer (dashed),
      // appeared (thick dark border); ended ones are hidden and counted
      var before = moved ? nodeBefore[n.id] : null, mark = "";
      if (before && before.shown && !hiddenNode[n.id]) {
        if (gaps > before.gaps) { mark = "up"; gapsUp.push(n.id); }
        else if (gaps < before.gaps) { mark = "down"; gapsDown.push(n.id); }
      }
      if (before && !before.shown && !hiddenNode[n.id] && f.levels[n.level]) { mark = mark || "new"; appeared.push(n.id); }
      if (before && before.shown && hiddenNode[n.id] && f.levels[n.level]) ended.push(n.id);
      var border = !n.inside ? "#90a4ae" : gaps ? "#d32f2f" : "#37474f";
      var base = n.kind === "group" ? 2.5 : 1.5;
      var update = { id: n.id, hidden: hiddenNode[n.id], title: tip(n, nodeNow[n.id]),
                     borderWidth: mark === "up" || mark === "new" ? base + 3 : base,
                     shapeProperties: { borderDashes: mark === "down" ? [5, 3] : n.inside ? false : [4, 3] } };
      if (mark === "new") border = gaps ? "#d32f2f" : "#1b5e20";
      if (n.kind === "group") update.label = n.label + "\n" + number(actors);
      var fill = n.inside ? n.color : faded(n.color), strong = n.inside ? "#000" : "#455a64";
      update.color = { background: fill, border: border,
                       highlight: { background: fill, border: strong },
                       hover: { background: fill, border: strong } };
      nodeUpdates.push(update);
    });
    var more = [], fewer = [], drawn = 0, lines = 0, counts = {};
    current.edges.forEach(function (e) {
      var shown = lineCount(e, f);
      counts[e.id] = shown.total;
      var hide = !shown.total || hiddenNode[e.from] || hiddenNode[e.to];
      var before = shownCount[e.id] || 0;
      var mark = moved && !hide ? (shown.total > before ? "up" : shown.total < before ? "down" : "") : "";
      if (mark === "up") more.push(e.id);
      if (moved && before && (hide || shown.total < before)) fewer.push(e.id);
      if (!hide) { drawn += shown.total; lines += 1; }
      var colour = shown.colour || e.color;
      edgeUpdates.push({ id: e.id, hidden: !!hide, title: edgeTip(e, shown),
        width: Math.min(1 + 1.6 * Math.log2(Math.max(shown.total, 1)), 12) + (mark === "up" ? 3 : 0),
        dashes: mark === "down" ? [6, 4] : false,
        color: { color: colour, opacity: mark ? 0.95 : 0.75, highlight: colour, hover: colour } });
    });
    nodes.update(nodeUpdates);
    edges.update(edgeUpdates);
    hideTooltip();  // a tooltip must not outlive its node, nor show the date before
    if (moved) {
      api.timeChanges = { more: more, fewer: fewer, gapsUp: gapsUp, gapsDown: gapsDown,
                          appeared: appeared, ended: ended };
    }
    shownCount = counts;
    nodeBefore = nodeNow;
    stepBefore = f.step;
    viewBefore = current.id;
    api.drawnLinks = drawn;
    api.gapsShown = gapsShown;
    var changes = document.getElementById("time-changes");
    if (changes && moved) {
      clear(changes);
      changes.appendChild(document.createTextNode("Since the date before: "));
      var parts = [["up", plural(more.length, "line") + " with more links (thick)"],
                   ["down", plural(fewer.length, "line") + " with fewer (dashed)"]];
      if (index.timeline.gapsFollow) {
        parts.push(["up", plural(gapsUp.length, "node") + " with more gaps (thick red border)"],
                   ["down", plural(gapsDown.length, "node") + " with fewer (dashed border)"]);
      }
      if (appeared.length || ended.length || Object.keys(index.actorSteps).length) {
        parts.push(["up", plural(appeared.length, "node") + " appearing (thick border)"],
                   ["down", plural(ended.length, "node") + " ending (hidden)"]);
      }
      parts.forEach(function (part, i) {
        if (i) changes.appendChild(document.createTextNode("; "));
        changes.appendChild(el("span", part[0], part[1]));
      });
      changes.appendChild(document.createTextNode("."));
    }
    if (!details.hidden && details.dataset.node) {  // the open actor, as of the date
      var open = current.nodes.filter(function (m) { return m.id === details.dataset.node; })[0];
      if (!open || hiddenNode[open.id]) hideDetails();
      else showDetails(open);
    }
    var groups = current.nodes.filter(function (n) { return n.kind === "group" && n.inside && !hiddenNode[n.id]; }).length;
    var actors = current.nodes.filter(function (n) { return n.kind === "actor" && n.inside && !hiddenNode[n.id]; }).length;
    var outside = current.nodes.filter(function (n) { return !n.inside && !hiddenNode[n.id]; }).length;
    document.getElementById("visible-count").textContent =
      (groups ? plural(groups, "group") + ", " : "") + plural(actors, "actor") + " shown here; " +
      plural(outside, "node") + " outside this group (faded); " + plural(lines, "line") +
      " standing for " + plural(drawn, "link") + ".";
    if (api.view) saveState();
  }
  api.applyFilters = applyFilters;
  api.setDay = function (day) {  // one of index.timeline.steps, or null for every period
    if (!timeRange) return;
    if (day === null) timeAll.checked = true;
    else { timeAll.checked = false; timeRange.value = String(Math.max(0, steps.indexOf(day))); }
    applyFilters();
  };
  document.querySelectorAll("#controls input[type='checkbox'], #controls select").forEach(function (box) {
    box.addEventListener("change", applyFilters);
  });
  if (timeRange) {
    timeRange.addEventListener("input", function () { if (timeAll) timeAll.checked = false; applyFilters(); });
    var start = index.timeline.start ? steps.indexOf(index.timeline.start) : -1;
    if (start >= 0) timeRange.value = String(start);
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
    applyFilters();
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
    ["level", "link"].forEach(function (name) {
      var off = [];
      document.querySelectorAll("input[name='" + name + "']").forEach(function (box) {
        if (!box.checked) off.push(box.value);
      });
      if (off.length) parts.push("off-" + name + "=" + encodeURIComponent(off.join(",")));
    });
    var select = document.getElementById("filter-instrument");
    if (select && select.value !== "") parts.push("instrument=" + select.value);
    if (timeRange) {
      var step = currentStep();
      parts.push("date=" + (step === null ? "all" : steps[step]));
    }
    history.replaceState(null, "", "#" + parts.join("&"));
  }
  function restoreFilters(wanted) {
    ["level", "link"].forEach(function (name) {
      var off = (wanted["off-" + name] || "").split(",");
      document.querySelectorAll("input[name='" + name + "']").forEach(function (box) {
        box.checked = off.indexOf(box.value) < 0;
      });
    });
    var select = document.getElementById("filter-instrument");
    if (select && wanted.instrument) select.value = wanted.instrument;
    if (timeRange && wanted.date) {
      timeAll.checked = wanted.date === "all";
      if (wanted.date !== "all" && steps.indexOf(wanted.date) >= 0) timeRange.value = String(steps.indexOf(wanted.date));
    }
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
  function hideDetails() { details.hidden = true; delete details.dataset.node; }
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
    row(details, "period", n.validFrom || n.validUntil ? (n.validFrom || "…") + " – " + (n.validUntil || "…") : "");
    var f = filters(), held = holding(n, f);
    var refs = held ? n.gapRefs.filter(function (_r, i) { return held[i]; }) : n.gapRefs;
    var count = held ? refs.length : n.gapCount;
    if (count) {
      var day = f.step === null ? "" : " on " + steps[f.step];
      list(details, plural(count, "gap") + (held ? day : ""), refs.map(sentence), "gap");
      if (count > refs.length) details.appendChild(el("div", "more", "and " + number(count - refs.length) + " more (the atlas's gap page lists them all)"));
    }
    list(details, "sources", n.sources.map(sourceLine));
    details.dataset.node = n.id;
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
    var matches = [];  // positions in index.actors: actor "a" + position on the page
    index.actors.forEach(function (a, i) {
      if (a[0].toLowerCase().indexOf(query) >= 0 || a[1].toLowerCase().indexOf(query) >= 0) matches.push(i);
    });
    status.textContent = !matches.length ? "no actor matches" : matches.length === 1 ? "1 match" :
      number(matches.length) + " matches" + (matches.length > 40 ? " (the first 40 shown)" : "");
    matches.slice(0, 40).forEach(function (i) {
      var a = index.actors[i], li = el("li"), button = el("button", null, a[0]);
      button.type = "button";
      button.title = index.groups[a[2]][0];
      button.addEventListener("click", function () { api.show(a[2], "a" + i); });
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
  function saveFile(ext, type, text) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: type }));
    link.download = (index.groups[api.view][0] || "map").replace(/[^A-Za-z0-9]+/g, "-") + "." + ext;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }
  function shownItems() {  // the nodes and lines drawn now, with their drawn colours and labels
    var shownNodes = nodes.get({ filter: function (n) { return !n.hidden; } });
    var drawnIds = {};
    shownNodes.forEach(function (n) { drawnIds[n.id] = true; });
    var shownEdges = edges.get({ filter: function (e) { return !e.hidden && drawnIds[e.from] && drawnIds[e.to]; } });
    return { nodes: shownNodes, edges: shownEdges };
  }
  api.exportSvg = function () {
    // the view as drawn: its visible groups, actors and lines as vector shapes and text
    var shown = shownItems();
    var at = network.getPositions(shown.nodes.map(function (n) { return n.id; }));
    var text = window.govatlasSvgView({
      lines: shown.edges.map(function (e) {
        var a = at[e.from], b = at[e.to];
        return { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: (e.color && e.color.color) || "#607d8b",
                 width: e.width || 1, dashed: !!e.dashes };
      }),
      nodes: shown.nodes.map(function (n) {
        var p = at[n.id], colour = n.color || {};
        return { x: p.x, y: p.y, r: n.size || 10, fill: colour.background || "#9e9e9e",
                 stroke: colour.border || "#37474f", strokeWidth: n.borderWidth || 1.5,
                 lines: String(n.label || "").split("\n") };
      }) });
    saveFile("svg", "image/svg+xml", text);
    return text;
  };
  api.exportJson = function () {
    // the view as drawn: which group is open, on which date, and its visible nodes and lines
    var shown = shownItems(), step = currentStep();
    var graph = { view: index.groups[api.view][0], date: step === null ? null : steps[step],
                  nodes: shown.nodes.map(function (n) {
                    return { id: n.id, label: String(n.label || "").replace(/\n/g, " "), x: n.x, y: n.y }; }),
                  edges: shown.edges.map(function (e) {
                    return { id: e.id, from: e.from, to: e.to, title: e.title || "" }; }) };
    var text = JSON.stringify(graph, null, 1);
    saveFile("json", "application/json", text);
    return text;
  };
  document.getElementById("export-png").addEventListener("click", api.exportPng);
  document.getElementById("export-svg").addEventListener("click", api.exportSvg);
  document.getElementById("export-json").addEventListener("click", api.exportJson);

  // label boxes in canvas coordinates (the tests check that none overlaps another)
  api.labelBoxes = function () {
    return nodes.getIds({ filter: function (n) { return !n.hidden; } }).map(function (id) {
      var size = network.body.nodes[id].labelModule.size;
      return { id: id, left: size.left, top: size.top, width: size.width, height: size.height };
    });
  };
  api.visibleNodeIds = function () { return nodes.getIds({ filter: function (n) { return !n.hidden; } }); };

  // --- start: the view named in the address, else the root -----------------------------------
  var wanted = {};
  location.hash.replace(/^#/, "").split("&").forEach(function (part) {
    var kv = part.split("=");
    if (kv[0]) wanted[kv[0]] = decodeURIComponent(kv[1] || "");
  });
  restoreFilters(wanted);
  api.ready = true;
  if (!api.show(wanted.view || index.root, wanted.select)) api.show(index.root);
})();
