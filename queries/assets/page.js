// The govatlas query page: YASGUI pointed at this server's /sparql, one tab per library query
// (title as the tab's name, what it answers above the editor), the govatlas prefixes declared.
// Nothing is fetched from anywhere but this server: the autocompleters that call outside
// services (prefix.cc, Linked Open Vocabularies) are off, and the page's policy forbids it.
(function () {
  "use strict";
  const root = document.getElementById("yasgui");
  const prefixes = JSON.parse(root.dataset.prefixes || "{}");
  const endpoint = new URL("/sparql", window.location.href).toString();
  Yasgui.Yasqe.defaults.autocompleters = ["variables"];
  const yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST",
                     acceptHeaderSelect: "application/sparql-results+json" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
    persistenceId: null,
    populateFromUrl: false,
    autoAddOnInit: false,
    yasqe: { prefixCcApi: "", autocompleters: ["variables"], persistenceId: null },
    yasr: { persistenceId: null, prefixes: prefixes,
            pluginOrder: ["table", "pivot", "chart", "response"] },
  });
  window.govatlasYasgui = yasgui;
  const header = Object.entries(prefixes)
    .map(([name, iri]) => `PREFIX ${name}: <${iri}>`).join("\n");
  function withPrefixes(text) {
    const declared = new Set([...text.matchAll(/PREFIX\s+(\w*):/gi)].map((m) => m[1]));
    const missing = header.split("\n").filter((line) => !declared.has(line.split(/\s+/)[1].slice(0, -1)));
    return missing.join("\n") + "\n" + text;
  }
  // what the selected tab's query answers, above the editor (from its .rq header)
  const answers = document.createElement("p");
  answers.className = "govatlas-answers";
  root.parentNode.insertBefore(answers, root);
  const byTab = new Map();
  function describe(tabId) {
    const item = byTab.get(tabId);
    answers.textContent = item ? item.answers : "";
  }
  yasgui.on("tabSelect", (_instance, tabId) => describe(tabId));
  fetch("/queries.json").then((response) => response.json()).then((library) => {
    library.forEach((item, index) => {
      const tab = yasgui.addTab(index === 0, {
        name: item.title,
        yasqe: { value: withPrefixes(item.text) },
        requestConfig: { endpoint: endpoint },
      });
      byTab.set(tab.getId(), item);
      tab.getRoot?.().setAttribute?.("data-query-name", item.name);
    });
    describe(yasgui.getTab()?.getId());
    root.dataset.library = String(library.length);
  });
})();
