// Si Jali: the registration form (category-dependent fields, prefill of a known visitor), the
// sticker's print button and the 30-day chart. No inline script anywhere (CSP); everything is
// set up from data attributes, on page load and on every htmx swap.
(function () {
  "use strict";

  function each(root, selector, fn) {
    if (root.matches && root.matches(selector)) fn(root);
    Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
  }

  // ----- registration form ----------------------------------------------------------------------
  function currentCategory(form) {
    var checked = form.querySelector("input[name=category]:checked");
    return checked ? checked.value : "wni";
  }

  function applyCategory(form) {
    var category = currentCategory(form);
    each(form, "[data-jali-for]", function (section) {
      var on = section.getAttribute("data-jali-for").split(" ").indexOf(category) !== -1;
      section.hidden = !on;
      Array.prototype.forEach.call(section.querySelectorAll("input, select, textarea"), function (el) {
        el.disabled = !on;
      });
    });
    var label = form.querySelector("#id_number-label");
    if (label) {
      var text = label.getAttribute("data-label-" + category);
      if (text) label.textContent = text;
    }
    var purpose = form.querySelector("#purpose");
    if (purpose) {
      var keep = false;
      Array.prototype.forEach.call(purpose.querySelectorAll("optgroup"), function (group) {
        var on = group.getAttribute("data-category") === category;
        group.hidden = !on;
        group.disabled = !on;
        if (on && group.querySelector("option:checked")) keep = true;
      });
      if (!keep) purpose.value = "";
    }
  }

  function initRegister(form) {
    if (form.dataset.jaliReady) { applyCategory(form); return; }
    form.dataset.jaliReady = "1";
    applyCategory(form);
    form.addEventListener("change", function (evt) {
      if (evt.target.name === "category") {
        applyCategory(form);
        var hint = form.querySelector("#visitor-hint");
        if (hint) { hint.innerHTML = ""; hint.removeAttribute("data-prefill"); }
        var idField = form.querySelector("#id_number");
        if (idField && idField.value && window.htmx) htmx.trigger(idField, "change");
      }
    });
  }

  // The look-up of a known visitor fills in the fields reception has not typed yet.
  function applyPrefill(hint) {
    var data;
    try { data = JSON.parse(hint.getAttribute("data-prefill") || "null"); } catch (e) { data = null; }
    var form = hint.closest("form");
    if (!data || !form) return;
    Object.keys(data).forEach(function (name) {
      var field = form.querySelector("[name=" + name + "]");
      if (field && !field.disabled && !field.value && data[name]) field.value = data[name];
    });
  }

  // ----- 30-day chart -----------------------------------------------------------------------------
  function cssColour(category) {
    var probe = document.createElement("span");
    probe.className = "jali-cat-" + category;
    document.body.appendChild(probe);
    var colour = getComputedStyle(probe).getPropertyValue("--jali-cat").trim();
    probe.remove();
    return colour || "#6c757d";
  }

  function initChart(canvas) {
    var island = document.getElementById("jali-chart-data");
    if (!island || !window.Chart || window.Chart.getChart(canvas)) return;
    var data = JSON.parse(island.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels.map(function (d) { return d.slice(8, 10) + "/" + d.slice(5, 7); }),
        datasets: data.datasets.map(function (ds) {
          return { label: ds.label, data: ds.data, backgroundColor: cssColour(ds.key), stack: "visits" };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  function init(root) {
    each(root, "[data-jali-register]", initRegister);
    each(root, "#visitor-hint[data-prefill]", applyPrefill);
    each(root, "canvas#jali-chart", initChart);
  }

  document.addEventListener("click", function (evt) {
    var button = evt.target.closest && evt.target.closest("[data-jali-print]");
    if (button) { evt.preventDefault(); window.print(); }
  });
  document.addEventListener("htmx:load", function (evt) { init(evt.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
