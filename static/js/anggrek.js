// Si Anggrek: officer charts from JSON data islands, print buttons. No inline scripts (CSP).
(function () {
  "use strict";
  var charts = {};

  function readIsland(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function drawCharts(root) {
    if (typeof window.Chart === "undefined") return;
    (root || document).querySelectorAll("canvas[data-anggrek-chart]").forEach(function (canvas) {
      var data = readIsland(canvas.getAttribute("data-anggrek-chart"));
      if (!data) return;
      if (charts[canvas.id]) { charts[canvas.id].destroy(); }
      var d = data.datasets, n = data.names;
      charts[canvas.id] = new window.Chart(canvas, {
        data: {
          labels: data.labels,
          datasets: [
            {type: "bar", label: n.served, data: d.served, stack: "tickets", yAxisID: "y", backgroundColor: "#0b2f5b"},
            {type: "bar", label: n.referred, data: d.referred, stack: "tickets", yAxisID: "y", backgroundColor: "#c9a227"},
            {type: "bar", label: n.no_show, data: d.no_show, stack: "tickets", yAxisID: "y", backgroundColor: "#b02a37"},
            {type: "line", label: n.avg_wait, data: d.avg_wait, yAxisID: "y1", borderColor: "#0d6efd", backgroundColor: "#0d6efd", spanGaps: true},
            {type: "line", label: n.avg_interview, data: d.avg_interview, yAxisID: "y1", borderColor: "#198754", backgroundColor: "#198754", spanGaps: true},
            {type: "line", label: n.idle_waiting, data: d.idle_waiting, yAxisID: "y1", borderColor: "#6c757d", backgroundColor: "#6c757d", borderDash: [4, 4], spanGaps: true}
          ]
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          interaction: {mode: "index", intersect: false},
          scales: {
            x: {stacked: true},
            y: {stacked: true, beginAtZero: true, position: "left", title: {display: true, text: n.count}, ticks: {precision: 0}},
            y1: {beginAtZero: true, position: "right", title: {display: true, text: n.minutes}, grid: {drawOnChartArea: false}}
          }
        }
      });
    });
  }

  function ready() { drawCharts(document); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
  document.addEventListener("htmx:afterSettle", function (ev) { drawCharts(ev.target); });

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest("[data-anggrek-print]");
    if (button) { ev.preventDefault(); window.print(); }
  });
})();
