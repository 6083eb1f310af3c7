/* Timeline and map of the IACML knowledge graph, drawn as SVG from JSON (no network
   beyond this server, no tiles). */
"use strict";
const SVGNS = "http://www.w3.org/2000/svg";
const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
  "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939"];

function el(name, attrs, parent) {
  const node = document.createElementNS(SVGNS, name);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

function html(tag, text, parent) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

function svgLink(href, parent) {
  // an activity or place whose IRI is not http(s) has no href (server/ui/htmlsafety.py):
  // it is drawn, not linked
  return href ? el("a", {href: href}, parent) : el("g", {}, parent);
}

function listLink(label, href, parent) {
  const node = html(href ? "a" : "span", label, parent);
  if (href) node.href = href;
  return node;
}

function toTime(value) {
  // xsd:date, gYearMonth or gYear -> ms (start of the period)
  const parts = value.split("-").map(Number);
  return Date.UTC(parts[0], (parts[1] || 1) - 1, parts[2] || 1);
}

async function iacmlTimeline(holder) {
  const data = await (await fetch(holder.dataset.source)).json();
  const colour = {};
  data.types.forEach((t, i) => { colour[t.iri] = PALETTE[i % PALETTE.length]; });
  const legend = document.getElementById("legend");
  data.types.forEach(t => {
    const span = html("span", "", legend);
    const swatch = html("i", undefined, span);
    swatch.style.background = colour[t.iri];
    span.appendChild(document.createTextNode(t.label));
  });
  const cycleSel = document.getElementById("filter-cycle");
  data.cycles.forEach(c => { const o = html("option", c.label, cycleSel); o.value = c.iri; });
  const countrySel = document.getElementById("filter-country");
  data.countries.forEach(c => { const o = html("option", c.label, countrySel); o.value = c.iri; });

  const times = data.items.map(i => toTime(i.start));
  const min = Math.min(...times), max = Math.max(...times);
  const width = 1000, rowH = 14, top = 30;
  const svg = el("svg", {width: "100%", viewBox: `0 0 ${width} ${top + rowH * data.items.length + 20}`,
    role: "img", "aria-label": "timeline of activities"}, holder);
  const x = t => 40 + (max === min ? 0.5 : (t - min) / (max - min)) * (width - 280);
  const y0 = new Date(min).getUTCFullYear(), y1 = new Date(max).getUTCFullYear();
  for (let y = y0; y <= y1 + 1; y++) {
    const xx = x(Date.UTC(y, 0, 1));
    if (xx < 0 || xx > width) continue;
    el("line", {x1: xx, x2: xx, y1: 20, y2: top + rowH * data.items.length, stroke: "#ddd"}, svg);
    el("text", {x: xx + 2, y: 14, "font-size": 11, fill: "#555"}, svg).textContent = String(y);
  }
  const list = document.getElementById("timeline-list");
  const groups = data.items.map((item, n) => {
    const g = el("g", {class: "timeline-item", "data-iri": item.iri,
      "data-cycles": item.cycles.join(" "), "data-countries": item.countries.join(" ")}, svg);
    const a = svgLink(item.href, g);
    const cy = top + n * rowH;
    const sx = x(toTime(item.start));
    const ex = item.end ? Math.max(sx + 6, x(toTime(item.end))) : sx + 6;
    el("rect", {x: sx, y: cy - 5, width: ex - sx, height: 10, rx: 3, fill: colour[item.type]}, a);
    el("text", {x: ex + 4, y: cy + 4, "font-size": 10, fill: "#222"}, a).textContent =
      `${item.dates.join(" / ")}  ${item.label}`;
    el("title", {}, g).textContent = `${item.label} (${item.dates.join(" / ")})`;
    const li = html("li", undefined, list);
    listLink(item.label, item.href, li);
    li.appendChild(document.createTextNode(" — " + item.dates.join(" / ")));
    li.dataset.cycles = g.dataset.cycles; li.dataset.countries = g.dataset.countries;
    return [g, li];
  });
  function apply() {
    const c = cycleSel.value, k = countrySel.value;
    let shown = 0;
    groups.forEach(([g, li]) => {
      const ok = (!c || g.dataset.cycles.split(" ").includes(c)) &&
                 (!k || g.dataset.countries.split(" ").includes(k));
      g.style.display = ok ? "" : "none"; li.style.display = ok ? "" : "none";
      if (ok) shown++;
    });
    document.getElementById("shown-count").textContent = `${shown} of ${groups.length} activities`;
  }
  cycleSel.addEventListener("change", apply);
  countrySel.addEventListener("change", apply);
  apply();
  holder.dataset.ready = "true";
}

async function iacmlMap(holder) {
  const data = await (await fetch(holder.dataset.source)).json();
  const placed = data.places.filter(p => p.point);
  const lons = placed.map(p => p.point.lon), lats = placed.map(p => p.point.lat);
  const pad = 8;
  const west = Math.floor((Math.min(...lons, -120) - pad) / 10) * 10;
  const east = Math.ceil((Math.max(...lons, -30) + pad) / 10) * 10;
  const south = Math.floor((Math.min(...lats, -40) - pad) / 10) * 10;
  const north = Math.ceil((Math.max(...lats, 35) + pad) / 10) * 10;
  const width = 900, height = width * (north - south) / (east - west);
  const x = lon => (lon - west) / (east - west) * width;
  const y = lat => (north - lat) / (north - south) * height;
  const svg = el("svg", {width: "100%", viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": "map of the places of activities"}, holder);
  el("rect", {x: 0, y: 0, width, height, fill: "#eef4fa"}, svg);
  for (let lon = west; lon <= east; lon += 10) {
    el("line", {x1: x(lon), x2: x(lon), y1: 0, y2: height, stroke: "#d5e0ec"}, svg);
    el("text", {x: x(lon) + 2, y: height - 3, "font-size": 9, fill: "#789"}, svg).textContent = `${lon}°`;
  }
  for (let lat = south; lat <= north; lat += 10) {
    el("line", {x1: 0, x2: width, y1: y(lat), y2: y(lat), stroke: lat === 0 ? "#9ab" : "#d5e0ec"}, svg);
    el("text", {x: 2, y: y(lat) - 2, "font-size": 9, fill: "#789"}, svg).textContent = `${lat}°`;
  }
  const list = document.getElementById("map-list");
  data.places.forEach(p => {
    const li = html("li", undefined, list);
    listLink(p.label, p.href, li);
    li.appendChild(document.createTextNode(` (${p.kind}) — ${p.activities.length} activit${p.activities.length === 1 ? "y" : "ies"}` +
      (p.point ? (p.point.approximate ? " — drawn at its capital" : "") : " — no coordinates")));
    if (!p.point) return;
    const g = el("g", {class: "map-marker", "data-iri": p.iri}, svg);
    const a = svgLink(p.href, g);
    const r = 4 + Math.sqrt(p.activities.length) * 2;
    el("circle", {cx: x(p.point.lon), cy: y(p.point.lat), r,
      fill: p.point.approximate ? "none" : "#d62728", stroke: "#a11", "stroke-width": 2,
      "fill-opacity": 0.8}, a);
    el("text", {x: x(p.point.lon) + r + 2, y: y(p.point.lat) + 3, "font-size": 10}, a).textContent = p.label;
    el("title", {}, g).textContent = `${p.label}: ${p.activities.map(v => v.label).join("; ")}`;
  });
  holder.dataset.ready = "true";
}

// started from here, not from an inline script, which the Content-Security-Policy forbids
for (const [id, draw] of [["timeline", iacmlTimeline], ["map", iacmlMap]]) {
  const holder = document.getElementById(id);
  if (holder) draw(holder);
}
