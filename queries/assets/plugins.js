// Two more ways to see a SELECT result in YASGUI's results pane (Yasr): a pivot table
// (PivotTable.js) and a chart (Chart.js), both bundled with the page, so nothing is fetched.
// A Yasr plugin is a class built with the Yasr instance, with canHandleResults(), draw(),
// getIcon() and a priority (the table's is 10, so it stays the first view); it is registered
// with Yasgui.Yasr.registerPlugin before YASGUI starts (page.js lists the order).
(function () {
  "use strict";
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const NUMERIC = new Set(["integer", "decimal", "float", "double", "int", "long", "short",
    "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"].map((name) => XSD + name));
  // at most this many bars or slices, and series: a chart of thousands says nothing
  const MAX_LABELS = 60;
  const MAX_SERIES = 12;
  const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939"];

  function isNumeric(binding) {
    return !!binding && binding.type !== "uri" && NUMERIC.has(binding.datatype);
  }

  function shorten(iri, prefixes) {
    for (const [name, base] of Object.entries(prefixes || {})) {
      if (base && iri.startsWith(base) && iri.length > base.length) {
        return name + ":" + iri.slice(base.length);
      }
    }
    return iri;
  }

  // A binding as a pivot or chart value: numbers as numbers, IRIs with the page's prefixes.
  function cell(binding, prefixes) {
    if (!binding) return null;
    if (binding.type === "uri") return shorten(binding.value, prefixes);
    if (binding.type === "bnode") return "_:" + binding.value;
    if (isNumeric(binding)) {
      const number = Number(binding.value);
      return Number.isFinite(number) ? number : binding.value;
    }
    return binding.value;
  }

  // The result as columns (variables), records ({variable: value}) and numeric columns
  // (every bound value a number).
  function table(yasr) {
    const variables = yasr.results.getVariables();
    const bindings = yasr.results.getBindings() || [];
    const prefixes = yasr.getPrefixes ? yasr.getPrefixes() : {};
    const records = bindings.map((row) => {
      const record = {};
      for (const name of variables) record[name] = cell(row[name], prefixes);
      return record;
    });
    const numeric = variables.filter((name) =>
      bindings.some((row) => row[name]) &&
      bindings.every((row) => !row[name] || isNumeric(row[name])));
    return { variables, records, numeric };
  }

  // Text columns worth grouping by: not numeric, and with few distinct values.
  function groupable(data) {
    return data.variables.filter((name) => !data.numeric.includes(name)).map((name) => {
      const distinct = new Set(data.records.map((record) => record[name])).size;
      return { name, distinct };
    }).filter((column) => column.distinct > 1 || data.records.length === 1)
      .sort((a, b) => a.distinct - b.distinct).map((column) => column.name);
  }

  // Whether column ``other`` has one value for each value of ``name`` (a label's IRI).
  function restates(data, name, other) {
    const seen = new Map();
    return data.records.every((record) => {
      const key = record[name];
      if (!seen.has(key)) seen.set(key, record[other]);
      return seen.get(key) === record[other];
    });
  }

  // Numeric columns to sum, the measures first: a column that only restates a text column
  // (a level's rank beside its label: one number per label) is a key, listed last. A text
  // column with a value per row (a list of names) restates every column, so it is no test.
  function measures(data) {
    const texts = groupable(data).filter((name) =>
      new Set(data.records.map((record) => record[name])).size < data.records.length);
    const isKey = (name) => texts.some((text) => restates(data, text, name));
    const keys = data.numeric.filter(isKey);
    return data.numeric.filter((name) => !keys.includes(name)).concat(keys);
  }

  function canHandle(yasr) {
    const results = yasr.results;
    return !!results && typeof results.getVariables === "function" &&
      results.getVariables().length > 0 && (results.getBindings() || []).length > 0;
  }

  function icon(text) {
    const element = document.createElement("span");
    element.className = "govatlas-plugin-icon";
    element.setAttribute("aria-hidden", "true");
    element.textContent = text;
    return element;
  }

  class PivotPlugin {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 5;
      this.label = "Pivot";
      this.helpReference = "https://pivottable.js.org/examples/";
    }

    canHandleResults() {
      return canHandle(this.yasr);
    }

    getIcon() {
      return icon("\u25a6");
    }

    draw() {
      const data = table(this.yasr);
      const element = document.createElement("div");
      element.className = "govatlas-pivot";
      this.yasr.resultsEl.appendChild(element);
      // first guess: the two text columns with fewest values as rows and columns, the sum
      // of the first measure in the cells (a count when there is none); the reader drags
      // the columns to regroup
      const groups = groupable(data);
      const across = groups.slice(1).find((name) => !restates(data, groups[0], name));
      const options = { rows: groups.slice(0, 1), cols: across ? [across] : [],
                        unusedAttrsVertical: true };
      if (data.numeric.length) {
        const name = measures(data)[0];
        const whole = data.records.every((record) => record[name] === null ||
          Number.isInteger(record[name]));
        options.aggregatorName = whole ? "Integer Sum" : "Sum";
        options.vals = [name];
      }
      window.jQuery(element).pivotUI(data.records, options, true);
    }
  }

  class ChartPlugin {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 4;
      this.label = "Chart";
      this.chart = null;
      this.helpReference = "https://www.chartjs.org/docs/latest/";
    }

    canHandleResults() {
      return canHandle(this.yasr);
    }

    getIcon() {
      return icon("\u25a5");
    }

    destroy() {
      if (this.chart) this.chart.destroy();
      this.chart = null;
    }

    draw() {
      this.destroy();
      const data = table(this.yasr);
      const groups = groupable(data);
      const element = document.createElement("div");
      element.className = "govatlas-chart";
      const controls = document.createElement("div");
      controls.className = "govatlas-chart-controls";
      const labelColumn = select(controls, "Labels", groups.length ? groups : data.variables);
      const valueColumn = select(controls, "Values",
        measures(data).concat(["(number of rows)"]));
      const seriesColumn = select(controls, "Series", ["(none)"].concat(groups));
      const kind = select(controls, "Chart", ["bar", "line", "pie"]);
      const note = document.createElement("span");
      note.className = "govatlas-chart-note";
      controls.appendChild(note);
      const frame = document.createElement("div");
      frame.className = "govatlas-chart-frame";
      const canvas = document.createElement("canvas");
      frame.appendChild(canvas);
      element.append(controls, frame);
      this.yasr.resultsEl.appendChild(element);
      this.canvas = canvas;
      const render = () => {
        this.destroy();
        const built = chartData(data, labelColumn.value, valueColumn.value,
          seriesColumn.value === "(none)" || kind.value === "pie" ? null : seriesColumn.value);
        note.textContent = built.cut ? `the first ${MAX_LABELS} labels and ` +
          `${MAX_SERIES} series are shown` : "";
        this.chart = new window.Chart(canvas, {
          type: kind.value,
          data: built,
          options: { responsive: true, maintainAspectRatio: false, animation: false,
                     plugins: { legend: { display: kind.value === "pie" ||
                                                   built.datasets.length > 1 } } },
        });
      };
      for (const control of [labelColumn, valueColumn, seriesColumn, kind]) {
        control.addEventListener("change", render);
      }
      render();
    }

    download() {
      if (!this.canvas) return undefined;
      return { contentType: "image/png", filename: "chart.png", title: "Download as PNG",
               getData: () => this.canvas.toDataURL("image/png") };
    }
  }

  function select(parent, text, values) {
    const label = document.createElement("label");
    label.textContent = text + " ";
    const control = document.createElement("select");
    control.name = text.toLowerCase();
    for (const value of values) {
      const option = document.createElement("option");
      option.value = option.textContent = value;
      control.appendChild(option);
    }
    label.appendChild(control);
    parent.appendChild(label);
    return control;
  }

  // Labels along the axis, one dataset per series value, each value the sum over the rows
  // with that label and series (or their number).
  function chartData(data, labelName, valueName, seriesName) {
    const labels = [];
    const series = [];
    const sums = new Map();
    for (const record of data.records) {
      const label = String(record[labelName]);
      const serie = seriesName ? String(record[seriesName]) : valueName;
      if (!labels.includes(label)) labels.push(label);
      if (!series.includes(serie)) series.push(serie);
      const key = label + "\u0000" + serie;
      const value = valueName === "(number of rows)" ? 1 : Number(record[valueName]) || 0;
      sums.set(key, (sums.get(key) || 0) + value);
    }
    const shownLabels = labels.slice(0, MAX_LABELS);
    const shownSeries = series.slice(0, MAX_SERIES);
    const datasets = shownSeries.map((serie, index) => ({
      label: serie,
      data: shownLabels.map((label) => sums.get(label + "\u0000" + serie) || 0),
      backgroundColor: seriesName ? PALETTE[index % PALETTE.length]
        : shownLabels.map((_label, at) => PALETTE[at % PALETTE.length]),
      borderColor: PALETTE[index % PALETTE.length],
    }));
    return { labels: shownLabels, datasets,
             cut: labels.length > MAX_LABELS || series.length > MAX_SERIES };
  }

  Yasgui.Yasr.registerPlugin("pivot", PivotPlugin);
  Yasgui.Yasr.registerPlugin("chart", ChartPlugin);
})();
