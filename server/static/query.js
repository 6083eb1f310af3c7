/* The query page: YASGUI with the examples and competency questions as tabs. A file of
   its own (its settings read from a JSON element), since the Content-Security-Policy
   runs no inline script (server/ui/htmlsafety.py). */
"use strict";
(function () {
  var settings = JSON.parse(document.getElementById("iacml-query").textContent);
  var endpoint = new URL(settings.endpoint, window.location.href).href;
  var tabs = JSON.parse(document.getElementById("iacml-tabs").textContent);
  var defaultQuery = settings.defaultQuery;
  // a shared link (#query=... or ?query=...) opens its own tab, which stays active
  var fromUrl = (window.location.search + window.location.hash).indexOf("query=") >= 0;
  Yasgui.defaults.requestConfig.endpoint = endpoint;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST",
                     acceptHeaderSelect: "application/sparql-results+json",
                     acceptHeaderGraph: "text/turtle" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    autoAddOnInit: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { value: defaultQuery }
  });
  tabs.forEach(function (tab, i) {
    yasgui.addTab(i === 0 && !fromUrl, { name: tab.name, yasqe: { value: tab.query },
                                         requestConfig: { endpoint: endpoint } });
  });
  if (Object.keys(yasgui._tabs).length === 0) {
    yasgui.addTab(true, { name: "Query", yasqe: { value: defaultQuery } });
  }
  window.iacmlYasgui = yasgui;
  document.getElementById("results-link").addEventListener("click", function (event) {
    var tab = yasgui.getTab();
    var query = tab ? tab.getQuery() : defaultQuery;
    this.href = endpoint + "?format=html&query=" + encodeURIComponent(query);
  });
})();
