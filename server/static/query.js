/* The query page: YASGUI beside a searchable list of the ready queries (examples and
   competency questions), and a result table a person can read: IRIs shown by their labels
   and linked to their pages here, numbers and dates written in the page's language, the
   IRI or the datatype on hover. A file of its own (its settings read from JSON elements),
   since the Content-Security-Policy runs no inline script (server/ui/htmlsafety.py). */
"use strict";
(function () {
  const settings = JSON.parse(document.getElementById("iacml-query").textContent);
  const groups = JSON.parse(document.getElementById("iacml-queries").textContent);
  const words = settings.words;
  const endpoint = new URL(settings.endpoint, window.location.href).href;
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const NUMBERS = new Set(["integer", "decimal", "double", "float", "int", "long", "short",
    "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"].map(n => XSD + n));
  const byId = new Map();
  groups.forEach(g => g.items.forEach(item => byId.set(item.id, item)));

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_, k) => String(values[k]));
  }

  function escape(text) {
    return String(text).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;",
      '"': "&quot;", "'": "&#39;"})[c]);
  }

  // ---- readable result cells ----
  const names = new Map();  // IRI -> {label, href} from /labels (server/query/cells.py)

  async function fetchNames(iris) {
    const missing = [...new Set(iris)].filter(iri => !names.has(iri));
    for (let i = 0; i < missing.length; i += 1000) {
      const body = new URLSearchParams();
      missing.slice(i, i + 1000).forEach(iri => body.append("iri", iri));
      try {
        const response = await fetch(settings.labels, {method: "POST", body});
        if (!response.ok) return;
        const answer = await response.json();
        Object.entries(answer.labels).forEach(([iri, name]) => names.set(iri, name));
      } catch (error) {
        return;  // the IRIs are shown as they are
      }
    }
  }

  function shortName(iri, prefixes) {
    for (const [prefix, namespace] of Object.entries(prefixes || {})) {
      if (namespace && iri.startsWith(namespace)) return `${prefix}:${iri.slice(namespace.length)}`;
    }
    return iri;
  }

  function literalText(value, datatype) {
    const lang = settings.language;
    if (NUMBERS.has(datatype) && value.trim() !== "" && Number.isFinite(Number(value))) {
      return new Intl.NumberFormat(lang, {maximumFractionDigits: 20}).format(Number(value));
    }
    const date = /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(value);
    if (date && (datatype === XSD + "date" || datatype === XSD + "gYearMonth")) {
      const when = new Date(Date.UTC(+date[1], +date[2] - 1, +(date[3] || 1)));
      const style = datatype === XSD + "date" ? {dateStyle: "long"} : {year: "numeric", month: "long"};
      return new Intl.DateTimeFormat(lang, {...style, timeZone: "UTC"}).format(when);
    }
    return value;
  }

  function cellHtml(binding, prefixes) {
    if (binding.type === "uri") {
      const name = names.get(binding.value);
      const label = name ? name.label : shortName(binding.value, prefixes);
      const href = name ? name.href : null;
      return href ? `<a href="${escape(href)}" title="${escape(binding.value)}">${escape(label)}</a>`
        : `<span title="${escape(binding.value)}">${escape(label)}</span>`;
    }
    if (binding.type === "bnode") return `<span>_:${escape(binding.value)}</span>`;
    if (binding["xml:lang"]) {
      return `<span lang="${escape(binding["xml:lang"])}" title="@${escape(binding["xml:lang"])}">` +
        `${escape(binding.value)}</span>`;
    }
    const datatype = binding.datatype;
    const title = datatype ? ` title="${escape(shortName(datatype, {xsd: XSD}))}"` : "";
    return `<span${title}>${escape(literalText(binding.value, datatype))}</span>`;
  }

  const Table = Yasgui.Yasr.plugins.table;
  class ReadableTable extends Table {
    constructor(yasr) {
      super(yasr);
      // whole cells by default: a label or a date cut to "Bilateral coop…" reads as nothing
      if (this.persistentConfig.isEllipsed === undefined) this.persistentConfig.isEllipsed = false;
    }

    getCellContent(binding, prefixes) {
      return `<div>${cellHtml(binding, prefixes)}</div>`;
    }

    async draw(options) {
      const bindings = this.yasr.results ? this.yasr.results.getBindings() || [] : [];
      const iris = [];
      bindings.forEach(row => Object.values(row).forEach(term => {
        if (term && term.type === "uri") iris.push(term.value);
      }));
      await fetchNames(iris);
      const drawn = await super.draw(options);
      nameControls();
      return drawn;
    }
  }
  Yasgui.Yasr.registerPlugin("table", ReadableTable);

  // YASGUI's controls without an accessible name get one (axe-core: label, select-name),
  // and the editor's scrolling area can be reached from the keyboard
  function nameControls() {
    [[".autocomplete", words.endpoint], [".tableSizer", words.pageSize],
     [".CodeMirror-scroll", words.scroll]].forEach(([selector, name]) => {
      document.querySelectorAll(selector).forEach(node => {
        if (!node.getAttribute("aria-label")) node.setAttribute("aria-label", name);
      });
    });
    document.querySelectorAll(".CodeMirror-scroll").forEach(node => { node.tabIndex = 0; });
  }

  // ---- the editor ----
  // a shared link (#query=... or ?query=...) opens its own tab
  const fromUrl = (window.location.search + window.location.hash).indexOf("query=") >= 0;
  const first = groups[0] && groups[0].items[0];
  Yasgui.defaults.requestConfig.endpoint = endpoint;
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: {endpoint: endpoint, method: "POST",
                    acceptHeaderSelect: "application/sparql-results+json",
                    acceptHeaderGraph: "text/turtle"},
    copyEndpointOnNewTab: true,
    persistenceId: null,
    autoAddOnInit: false,
    endpointCatalogueOptions: {getData: function () { return [{endpoint: endpoint}]; }},
    // Tab and Shift+Tab move the focus out of the editor as everywhere else (WCAG 2.1.2:
    // no keyboard trap); Ctrl+] and Ctrl+[ indent, Ctrl+Enter runs the query
    yasqe: {value: first ? first.query : settings.defaultQuery,
            extraKeys: {...Yasgui.Yasqe.defaults.extraKeys, Tab: false, "Shift-Tab": false}}
  });
  if (!fromUrl || Object.keys(yasgui._tabs).length === 0) {
    yasgui.addTab(true, {name: first ? first.name : words.query,
                         yasqe: {value: first ? first.query : settings.defaultQuery},
                         requestConfig: {endpoint: endpoint}});
  }
  window.iacmlYasgui = yasgui;

  function label(textarea, tab) {
    // the editor's hidden textarea gets a name (axe: every form field has a label)
    if (textarea) textarea.setAttribute("aria-label", `${words.query}: ${tab.getName()}`);
  }

  function labelEditor() {
    const tab = yasgui.getTab();
    if (tab && tab.getYasqe()) label(tab.getYasqe().getInputField(), tab);
    nameControls();
  }
  yasgui.on("tabSelect", () => setTimeout(labelEditor, 0));
  labelEditor();

  function load(item) {
    const tab = yasgui.getTab();
    tab.setQuery(item.query);
    tab.setName(item.name.length > 60 ? item.name.slice(0, 57) + "…" : item.name);
    labelEditor();
    document.getElementById("query-loaded").textContent = fill(words.loaded, {name: item.name});
    tab.getYasqe().focus();
  }

  document.getElementById("results-link").addEventListener("click", function () {
    const tab = yasgui.getTab();
    const query = tab ? tab.getQuery() : settings.defaultQuery;
    this.href = endpoint + "?format=html&query=" + encodeURIComponent(query);
  });

  // ---- the side list: a filter, and arrow keys between the visible queries ----
  const buttons = [...document.querySelectorAll(".ready-query")];
  const filter = document.getElementById("query-filter");
  const count = document.getElementById("query-filter-count");
  const fold = text => text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  const haystack = new Map(buttons.map(b => {
    const item = byId.get(b.dataset.queryId);
    return [b, fold(`${item.name} ${item.file} ${item.query}`)];
  }));
  const visible = () => buttons.filter(b => !b.closest("li").hidden);

  function roving(current) {
    buttons.forEach(b => { b.tabIndex = b === current ? 0 : -1; });
  }

  function applyFilter() {
    const terms = fold(filter.value).split(/\s+/).filter(Boolean);
    buttons.forEach(b => {
      b.closest("li").hidden = !terms.every(t => haystack.get(b).includes(t));
    });
    document.querySelectorAll(".query-group").forEach(group => {
      group.hidden = !group.querySelector("li:not([hidden])");
    });
    const shown = visible();
    count.textContent = shown.length ? fill(words.shown, {n: shown.length, total: buttons.length})
      : words.none;
    roving(shown[0]);
  }

  filter.addEventListener("input", applyFilter);
  filter.addEventListener("keydown", event => {
    if (event.key === "ArrowDown" && visible().length) {
      event.preventDefault();
      visible()[0].focus();
    }
  });
  buttons.forEach(b => {
    b.addEventListener("click", () => { roving(b); load(byId.get(b.dataset.queryId)); });
    b.addEventListener("keydown", event => {
      const shown = visible();
      const at = shown.indexOf(b);
      const to = {ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: shown.length - 1}[event.key];
      if (to === undefined) return;
      event.preventDefault();
      if (to < 0) { filter.focus(); return; }
      const next = shown[Math.min(to, shown.length - 1)];
      roving(next);
      next.focus();
    });
  });
  applyFilter();
})();
