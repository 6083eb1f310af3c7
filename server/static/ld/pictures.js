/* The timeline of the IACML knowledge graph, drawn as SVG from JSON (the map: map.js). */
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

function wrap(words, width, measure) {
  // greedy: as many words on a line as fit in ``width`` px; a word longer than a line
  // gets a line of its own
  const lines = [];
  let line = "";
  for (const word of words.split(/\s+/)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && measure(candidate) > width) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function drawTimeline(holder, items, scale, colour, words) {
  // drawn at the size it is shown, so that the text stays 11-12 px on a phone; labels
  // go on the side of their bar with more room and wrap there, the row growing to fit
  holder.querySelector("svg")?.remove();
  const width = Math.max(300, holder.clientWidth || 1000), top = 30, lineH = 13;
  const x = t => 8 + (scale.max === scale.min ? 0.5 : (t - scale.min) / (scale.max - scale.min))
    * (width * 0.55 - 16);
  const svg = el("svg", {width, height: 40, role: "group", "aria-label": words.timeline}, holder);
  const probe = el("text", {"font-size": 11}, svg);
  const measure = text => { probe.textContent = text; return probe.getComputedTextLength(); };
  let y = top;
  const rows = items.map(item => {
    const sx = x(toTime(item.start));
    const ex = item.end ? Math.max(sx + 6, x(toTime(item.end))) : sx + 6;
    const text = `${item.dates.join(" / ")}  ${item.label}`;
    const right = width - ex - 8, left = sx - 8;
    const onRight = right >= left || measure(text) <= right;
    const lines = wrap(text, Math.max(80, onRight ? right : left), measure);
    const row = {item, sx, ex, y, lines, onRight};
    y += Math.max(16, lines.length * lineH + 4);
    return row;
  });
  probe.remove();
  const bottom = y + 4;
  svg.setAttribute("height", bottom);
  svg.setAttribute("viewBox", `0 0 ${width} ${bottom}`);
  const y0 = new Date(scale.min).getUTCFullYear(), y1 = new Date(scale.max).getUTCFullYear();
  const every = Math.max(1, Math.ceil((y1 - y0 + 1) / Math.max(1, Math.floor(width / 60))));
  for (let year = y0; year <= y1 + 1; year += every) {
    const xx = x(Date.UTC(year, 0, 1));
    el("line", {x1: xx, x2: xx, y1: 20, y2: bottom, stroke: "#ddd"}, svg);
    el("text", {x: xx + 2, y: 14, "font-size": 11, fill: "#444"}, svg).textContent = String(year);
  }
  rows.forEach(({item, sx, ex, y: cy, lines, onRight}) => {
    const g = el("g", {class: "timeline-item", "data-iri": item.iri}, svg);
    const a = svgLink(item.href, g);
    el("rect", {x: sx, y: cy - 5, width: ex - sx, height: 10, rx: 3, fill: colour[item.type]}, a);
    const label = el("text", {x: onRight ? ex + 4 : sx - 4, y: cy + 4, "font-size": 11,
      fill: "#222", "text-anchor": onRight ? "start" : "end"}, a);
    lines.forEach((line, i) => {
      el("tspan", {x: onRight ? ex + 4 : sx - 4, dy: i ? lineH : 0}, label).textContent = line;
    });
    el("title", {}, g).textContent = `${item.label} (${item.dates.join(" / ")})`;
  });
}

async function iacmlTimeline(holder) {
  const data = await (await fetch(holder.dataset.source)).json();
  const words = JSON.parse(document.getElementById("timeline-words").textContent);
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
  const scale = {min: Math.min(...times), max: Math.max(...times)};
  const list = document.getElementById("timeline-list");
  const entries = data.items.map(item => {
    const li = html("li", undefined, list);
    listLink(item.label, item.href, li);
    li.appendChild(document.createTextNode(" — " + item.dates.join(" / ")));
    return [item, li];
  });
  const empty = document.getElementById("timeline-empty");
  let shown = data.items;
  function apply() {
    const c = cycleSel.value, k = countrySel.value;
    shown = [];
    entries.forEach(([item, li]) => {
      const ok = (!c || item.cycles.includes(c)) && (!k || item.countries.includes(k));
      li.hidden = !ok;
      if (ok) shown.push(item);
    });
    drawTimeline(holder, shown, scale, colour, words);
    empty.hidden = shown.length > 0;
    document.getElementById("shown-count").textContent =
      words.shown.replace("{n}", shown.length).replace("{total}", entries.length);
  }
  cycleSel.addEventListener("change", apply);
  countrySel.addEventListener("change", apply);
  document.getElementById("timeline-reset").addEventListener("click", () => {
    cycleSel.value = "";
    countrySel.value = "";
    apply();
    cycleSel.focus();
  });
  let pending = null;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(() => drawTimeline(holder, shown, scale, colour, words), 200);
  });
  apply();
  holder.dataset.ready = "true";
}

// started from here, not from an inline script, which the Content-Security-Policy forbids
for (const [id, draw] of [["timeline", iacmlTimeline]]) {
  const holder = document.getElementById(id);
  if (holder) draw(holder);
}
