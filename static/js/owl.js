// Si Owl: charts on the compliance page, drawn from the JSON data island #owl-chart-data
// (a <script type="application/json"> block is data, never executed, so the CSP allows it).
(function () {
  "use strict";
  var NAVY = "#0b2f5b", GOLD = "#c9a227", RED = "#b02a37", TEAL = "#1b7f79";
  var charts = [];

  function readData() {
    var island = document.getElementById("owl-chart-data");
    if (!island) return null;
    try { return JSON.parse(island.textContent); } catch (e) { return null; }
  }

  function make(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas || typeof Chart === "undefined") return;
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    charts.push(new Chart(canvas, config));
  }

  function draw() {
    var data = readData();
    charts.forEach(function (c) { c.destroy(); });
    charts = [];
    if (!data) return;
    var L = data.labels;
    make("chart-rate", {
      type: "bar",
      data: { labels: data.months, datasets: [{ label: L.rate, data: data.rate, backgroundColor: NAVY }] },
      options: { scales: { y: { min: 0, max: 100 } }, plugins: { legend: { display: false } } }
    });
    make("chart-overstays", {
      type: "bar",
      data: { labels: data.months, datasets: [{ label: L.overstays, data: data.overstays, backgroundColor: RED }] },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } }
    });
    make("chart-nationality", {
      type: "bar",
      data: { labels: data.nationalities, datasets: [{ label: L.rate, data: data.nationality_rate, backgroundColor: TEAL }] },
      options: { indexAxis: "y", scales: { x: { min: 0, max: 100 } }, plugins: { legend: { display: false } } }
    });
    make("chart-officers", {
      type: "bar",
      data: {
        labels: data.officers,
        datasets: [
          { type: "bar", label: L.average, data: data.officer_average, backgroundColor: NAVY },
          { type: "line", label: L.standard, data: data.officers.map(function () { return data.standard; }),
            borderColor: GOLD, backgroundColor: GOLD, pointRadius: 3, borderDash: [6, 4] }
        ]
      },
      options: { scales: { y: { beginAtZero: true } } }
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  // Boosted navigation and filtered reloads swap the page body without running scripts again.
  document.addEventListener("htmx:afterSettle", function () {
    if (document.getElementById("owl-chart-data")) draw();
  });
})();
