// Copies the browser files of the npm packages into server/static/vendor/ (gitignored):
// run by `npm run vendor` at set-up time, so nothing is downloaded while serving.
//
// The map's outlines: Natural Earth's admin-0 countries from the `world-atlas` package.
// Its coarse file (1:110m) lacks six OAS members (Antigua and Barbuda, Barbados,
// Dominica, Grenada, Saint Kitts and Nevis, Saint Lucia, Saint Vincent and the
// Grenadines), its fine one (1:10m) is 3.6 MB of the whole world. We keep the Americas
// only, as GeoJSON: the 1:110m shape of every country that has one and the 1:10m shape of
// those that do not, coordinates rounded to 0.01 degree (about 1 km, under a pixel here).
"use strict";
const fs = require("fs");
const path = require("path");
const topojson = require("topojson-client");

const ROOT = path.resolve(__dirname, "..");
const VENDOR = path.join(ROOT, "server", "static", "vendor");
const MODULES = path.join(ROOT, "node_modules");

function copy(from, toDir, name) {
  fs.mkdirSync(toDir, {recursive: true});
  fs.copyFileSync(path.join(MODULES, from), path.join(toDir, name || path.basename(from)));
}

// YASGUI, the query editor
for (const f of ["yasgui.min.js", "yasgui.min.css", "yasgui.min.js.map"]) {
  copy("@zazuko/yasgui/build/" + f, path.join(VENDOR, "yasgui"));
}
// its version, which the settings page shows (the server reads no node_modules/)
copy("@zazuko/yasgui/package.json", path.join(VENDOR, "yasgui"));

// d3-geo (with the d3-array it needs) and topojson-client, as their UMD builds
const MAP = path.join(VENDOR, "map");
copy("d3-array/dist/d3-array.min.js", MAP);
copy("d3-geo/dist/d3-geo.min.js", MAP);

// the Americas: west of the Atlantic's middle, east of the Pacific islands
const WEST = -180, EAST = -20, SOUTH = -60, NORTH = 84;

function roundRing(ring) {
  const out = [];
  for (const [lon, lat] of ring) {
    const point = [Math.round(lon * 100) / 100, Math.round(lat * 100) / 100];
    const last = out[out.length - 1];
    if (!last || last[0] !== point[0] || last[1] !== point[1]) out.push(point);
  }
  return out;
}

function planarArea(ring) {
  let twice = 0;
  for (let i = 1; i < ring.length; i++) {
    twice += ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1];
  }
  return twice / 2;
}

// rounded, without the specks under 0.001 square degree (about 12 km², far under a pixel
// here), which rounding can turn inside out: d3-geo would then fill the whole sphere but
// the speck (Barbados, the smallest OAS member's main island, is 431 km²)
function roundGeometry(geometry) {
  const polygon = rings => rings.map(roundRing)
    .filter(ring => ring.length >= 4 && Math.abs(planarArea(ring)) >= 1e-3);
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  const kept = polygons.map(polygon).filter(rings => rings.length > 0);
  return {type: "MultiPolygon", coordinates: kept};
}

function inAmericas(feature) {
  const coords = [];
  (function walk(c) { if (typeof c[0] === "number") coords.push(c); else c.forEach(walk); })(
    feature.geometry.coordinates);
  // wholly west of the Atlantic's middle (Fiji and Russia cross the antimeridian), partly
  // within the box
  return coords.every(([lon]) => lon <= EAST) && coords.some(([lon]) => lon >= -140) &&
    coords.some(([lon, lat]) => lon >= WEST && lat >= SOUTH && lat <= NORTH);
}

function countries(file) {
  const topology = JSON.parse(fs.readFileSync(path.join(MODULES, "world-atlas", file), "utf8"));
  return topojson.feature(topology, topology.objects.countries).features
    .filter(f => f.geometry && f.id !== undefined);
}

const coarse = countries("countries-110m.json");
const coarseIds = new Set(coarse.map(f => f.id));
const fine = countries("countries-10m.json").filter(f => !coarseIds.has(f.id));
const features = coarse.concat(fine).filter(inAmericas).map(f => ({
  type: "Feature", id: f.id, properties: {name: f.properties.name,
                                          scale: coarseIds.has(f.id) ? "110m" : "10m"},
  geometry: roundGeometry(f.geometry)})).filter(f => f.geometry.coordinates.length > 0);
fs.writeFileSync(path.join(MAP, "americas.geojson"), JSON.stringify(
  {type: "FeatureCollection", source: "Natural Earth admin-0 countries (world-atlas " +
   require(path.join(MODULES, "world-atlas", "package.json")).version + ")", features}));
console.log(`vendored YASGUI, d3-geo and ${features.length} country outlines`);
