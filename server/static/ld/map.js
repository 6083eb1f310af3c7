/* The map of the places of activities: Natural Earth country outlines (vendored from the
   npm registry at set-up time: scripts/vendor.js) drawn with d3-geo as SVG, no tiles and
   nothing fetched from another host. A country with activities is shaded and links to its
   page; a marker per city or country named as a location, its area proportional to the
   number of activities there, links to the place's page (a country's marker is hollow). Labels are placed greedily,
   biggest place first, and a label that would overlap another label or a marker is left
   out (the marker's tooltip, its accessible name and the list below still name it). */
"use strict";
(function () {
  const SVGNS = "http://www.w3.org/2000/svg";
  // the view: the OAS member states, from the Bering Strait to Tierra del Fuego
  const VIEW = {type: "MultiPoint", coordinates: [[-168, 62], [-52, 62], [-118, 14],
    [-34, -8], [-82, -56], [-56, -56]]};

  function el(name, attrs, parent) {
    const node = document.createElementNS(SVGNS, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (parent) parent.appendChild(node);
    return node;
  }

  function text(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, k) => String(values[k]));
  }

  function activities(n, words) {
    return text(n === 1 ? words.one : words.many, {n});
  }

  function overlaps(a, b) {
    return a.x < b.x + b.width && b.x < a.x + a.width &&
           a.y < b.y + b.height && b.y < a.y + a.height;
  }

  function draw(holder, outlines, data, words) {
    holder.querySelector("svg")?.remove();
    // drawn at the size it is shown (labels stay 12 px on a phone), at most 860 px wide
    const width = Math.max(280, Math.min(860, holder.clientWidth || 860));
    const height = Math.round(width * 0.95);
    const projection = d3.geoConicEqualArea().parallels([-20, 40]).rotate([80, 0])
      .fitExtent([[8, 8], [width - 8, height - 8]], VIEW);
    const path = d3.geoPath(projection);
    const svg = el("svg", {width, height, viewBox: `0 0 ${width} ${height}`,
      role: "group", "aria-label": words.map, class: "map"}, holder);
    el("rect", {x: 0, y: 0, width, height, fill: "#e6eff7"}, svg);
    el("path", {d: path(d3.geoGraticule10()), fill: "none", stroke: "#d3e0ec"}, svg);

    const byNumeric = new Map(data.countries.filter(c => c.iso_numeric)
      .map(c => [c.iso_numeric, c]));
    const most = Math.max(1, ...data.countries.map(c => c.activities));
    const land = el("g", {class: "land"}, svg);
    outlines.features.forEach(feature => {
      const d = path(feature);
      if (!d) return;
      const country = byNumeric.get(String(feature.id));
      if (!country) {
        el("path", {d, class: "country", fill: "#dedbd2", stroke: "#fff"}, land);
        return;
      }
      const name = `${country.label}: ${activities(country.activities, words)}`;
      const a = country.href ? el("a", {href: country.href, "aria-label": name}, land)
        : el("g", {}, land);
      a.setAttribute("class", "country-link");
      a.dataset.iri = country.iri;
      // shade by the share of the busiest country, never lighter than a visible tint
      const share = 0.25 + 0.75 * country.activities / most;
      el("path", {d, class: "country", fill: "#3f7f6a", "fill-opacity": share.toFixed(2),
        stroke: "#fff"}, a);
      el("title", {}, a).textContent = name;
    });

    // a country's own marker stands inside its outline (the centre of its largest part),
    // away from its capital's marker; without an outline, at its capital
    const centre = new Map();
    outlines.features.forEach(feature => {
      const parts = feature.geometry.type === "MultiPolygon"
        ? feature.geometry.coordinates.map(c => ({type: "Polygon", coordinates: c}))
        : [feature.geometry];
      const largest = parts.reduce((a, b) => (path.area(b) > path.area(a) ? b : a));
      centre.set(String(feature.id), path.centroid(largest));
    });
    const isoOf = new Map(data.countries.map(c => [c.iri, c.iso_numeric]));
    const placed = data.places.filter(p => p.point)
      .map(p => ({place: p, xy: (p.point.approximate && centre.get(isoOf.get(p.iri))) ||
                                projection([p.point.lon, p.point.lat])}))
      .filter(m => m.xy && m.xy[0] >= 0 && m.xy[0] <= width && m.xy[1] >= 0 && m.xy[1] <= height)
      .sort((a, b) => b.place.activities.length - a.place.activities.length);
    const markers = el("g", {class: "markers"}, svg);
    const taken = [];
    placed.forEach(m => {
      const p = m.place, n = p.activities.length;
      m.r = 3 + 2.5 * Math.sqrt(n);
      const name = `${p.label} (${p.kind}): ${activities(n, words)}`;
      const a = p.href ? el("a", {href: p.href, "aria-label": name}, markers) : el("g", {}, markers);
      a.setAttribute("class", "map-marker" + (p.point.approximate ? " capital" : ""));
      a.dataset.iri = p.iri;
      a.dataset.activities = String(n);
      el("circle", {cx: m.xy[0], cy: m.xy[1], r: m.r, stroke: "#8c1d18", "stroke-width": 1.5,
        fill: p.point.approximate ? "#fff" : "#c0392b", "fill-opacity": 0.85}, a);
      el("title", {}, a).textContent = name;
      taken.push({x: m.xy[0] - m.r, y: m.xy[1] - m.r, width: 2 * m.r, height: 2 * m.r});
    });
    const labels = el("g", {class: "labels", "aria-hidden": "true"}, svg);
    placed.forEach(m => {
      const label = el("text", {class: "map-label", "font-size": 12, fill: "#1d1d1d"}, labels);
      label.textContent = m.place.label;
      const w = label.getComputedTextLength(), h = 13;
      const [x, y] = m.xy, r = m.r + 2;
      const tries = [[x + r, y + 4], [x - r - w, y + 4], [x - w / 2, y - r - 3],
                     [x - w / 2, y + r + h - 2]];
      const fit = tries.map(([lx, ly]) => ({x: lx, y: ly - h + 3, width: w, height: h, lx, ly}))
        .find(box => box.x >= 0 && box.x + w <= width && box.y >= 0 && box.y + h <= height &&
                     !taken.some(t => overlaps(box, t)));
      if (!fit) {
        label.remove();
        return;
      }
      label.setAttribute("x", fit.lx.toFixed(1));
      label.setAttribute("y", fit.ly.toFixed(1));
      label.dataset.iri = m.place.iri;
      taken.push(fit);
    });
  }

  function list(holder, data, words) {
    const ul = document.getElementById("map-list");
    ul.textContent = "";
    data.places.forEach(p => {
      const li = document.createElement("li");
      const link = document.createElement(p.href ? "a" : "span");
      link.textContent = p.label;
      if (p.href) link.href = p.href;
      li.appendChild(link);
      const note = p.point ? "" : ` — ${words.unplaced}`;
      li.appendChild(document.createTextNode(
        ` (${p.kind}) — ${activities(p.activities.length, words)}${note}`));
      ul.appendChild(li);
    });
  }

  async function start(holder) {
    const words = JSON.parse(document.getElementById("map-words").textContent);
    const [data, outlines] = await Promise.all([holder.dataset.source, holder.dataset.outlines]
      .map(async url => {
        const response = await fetch(url);
        // without the vendored outlines (set-up not run) the markers are still drawn
        return response.ok ? response.json() : {features: []};
      }));
    list(holder, data, words);
    draw(holder, outlines, data, words);
    let pending = null;
    window.addEventListener("resize", () => {
      clearTimeout(pending);
      pending = setTimeout(() => draw(holder, outlines, data, words), 200);
    });
    holder.dataset.ready = "true";
  }

  const holder = document.getElementById("map");
  if (holder) start(holder);
})();
