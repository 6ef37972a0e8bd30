// Si Cempaka: the location stamp taken when the employee presses submit, and the small maps.
(function () {
  "use strict";

  var FIELDS = ["geo_status", "geo_lat", "geo_lon", "geo_accuracy", "geo_time"];

  function field(form, name) {
    return form.querySelector("input[name=" + name + "]");
  }

  function clearLocation(form) {
    FIELDS.forEach(function (name) {
      var input = field(form, name);
      if (input) input.value = "";
    });
  }

  function say(form, key, tone) {
    var box = document.getElementById("geo-progress");
    if (!box) return;
    box.textContent = form.dataset["msg" + key.charAt(0).toUpperCase() + key.slice(1)] || "";
    box.className = "alert alert-" + (tone || "secondary");
  }

  function busy(form, on) {
    form.dataset.geoBusy = on ? "1" : "";
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = on; });
  }

  function choice(form) {
    return form.querySelector("#geo-choice");
  }

  function hideChoice(form) {
    var box = choice(form);
    if (box) box.classList.add("d-none");
  }

  // No position came: say why and let the employee choose, "try again" or (when the office
  // accepts it) "send without location". Nothing is sent until then.
  function offerChoice(form, status) {
    var box = choice(form);
    var progress = document.getElementById("geo-progress");
    if (progress) progress.className = "alert d-none";
    form.dataset.geoFailed = status;
    busy(form, false);
    if (!box) return;
    var key = "msg" + status.charAt(0).toUpperCase() + status.slice(1);
    box.querySelector("#geo-choice-reason").textContent = form.dataset[key] || "";
    var retry = box.querySelector("#geo-retry");
    var anyway = box.querySelector("#geo-send-anyway");
    retry.hidden = status === "unsupported";  // asking again cannot help
    box.classList.remove("d-none");
    var first = !retry.hidden ? retry : anyway;
    if (first) first.focus();
  }

  function sendWithout(form) {
    var status = form.dataset.geoFailed || "missing";
    hideChoice(form);
    busy(form, true);
    clearLocation(form);
    field(form, "geo_status").value = status;
    say(form, "sending", "warning");
    HTMLFormElement.prototype.submit.call(form);
  }

  // Ask for a fresh position (maximumAge 0: never a cached one) and send the form with it; without
  // one, offer the choice. Coordinates are only ever what this call returned.
  function locateAndSubmit(form) {
    var timeout = parseInt(form.dataset.geoTimeout, 10) || 20000;
    var finished = false;
    var guard = null;

    function finish(status, position) {
      if (finished) return;
      finished = true;
      if (guard) clearTimeout(guard);
      clearLocation(form);
      if (status !== "ok") {
        offerChoice(form, status);
        return;
      }
      var c = position.coords;
      field(form, "geo_status").value = status;
      field(form, "geo_lat").value = String(c.latitude);
      field(form, "geo_lon").value = String(c.longitude);
      field(form, "geo_accuracy").value = String(c.accuracy);
      field(form, "geo_time").value = String(Math.round(position.timestamp));
      say(form, "ok", "success");
      HTMLFormElement.prototype.submit.call(form);
    }

    clearLocation(form);
    hideChoice(form);
    if (!("geolocation" in navigator)) {
      finish("unsupported");
      return;
    }
    say(form, "locating", "secondary");
    // Some browsers never answer when the permission prompt is dismissed: stop waiting.
    guard = setTimeout(function () { finish("timeout"); }, timeout + 5000);
    try {
      navigator.geolocation.getCurrentPosition(
        function (position) { finish("ok", position); },
        function (error) {
          finish(error && error.code === 1 ? "denied" : error && error.code === 3 ? "timeout" : "unavailable");
        },
        { enableHighAccuracy: true, timeout: timeout, maximumAge: 0 }
      );
    } catch (e) {
      finish("unavailable");
    }
  }

  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-geo")) return;
    evt.preventDefault();
    evt.stopImmediatePropagation();
    if (form.dataset.geoBusy === "1") return;
    busy(form, true);
    locateAndSubmit(form);
  }, true);

  document.addEventListener("click", function (evt) {
    var button = evt.target instanceof Element ? evt.target.closest("#geo-retry, #geo-send-anyway") : null;
    var form = button ? button.closest("form[data-geo]") : null;
    if (!form || form.dataset.geoBusy === "1") return;
    if (button.id === "geo-retry") {
      busy(form, true);
      locateAndSubmit(form);
    } else {
      sendWithout(form);
    }
  });

  // Coming back with the browser's back button must not resend an old position.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-geo]").forEach(function (form) {
      clearLocation(form);
      hideChoice(form);
      busy(form, false);
      var box = document.getElementById("geo-progress");
      if (box) box.className = "alert d-none";
    });
  });

  // ----- maps ------------------------------------------------------------------------------

  function num(el, name) {
    var v = el.getAttribute("data-" + name);
    if (v === null || v === "") return null;
    var n = parseFloat(v);
    return isFinite(n) ? n : null;
  }

  function initMap(el) {
    if (el.getAttribute("data-ready") || !window.L) return;
    el.setAttribute("data-ready", "1");
    var lat = num(el, "lat"), lon = num(el, "lon");
    var placeLat = num(el, "place-lat"), placeLon = num(el, "place-lon");
    var tiles = el.getAttribute("data-tiles") || "";
    var map = L.map(el, { attributionControl: !!tiles, scrollWheelZoom: false });
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19, attribution: el.getAttribute("data-attribution") || "" }).addTo(map);
    }
    var bounds = [];
    if (placeLat !== null && placeLon !== null) {
      var radius = num(el, "radius") || 0;
      L.circle([placeLat, placeLon], { radius: radius, color: "#0b2f5b", weight: 1, dashArray: "4 4", fillOpacity: 0.05 }).addTo(map);
      L.circleMarker([placeLat, placeLon], { radius: 5, color: "#0b2f5b", fillColor: "#0b2f5b", fillOpacity: 1 })
        .bindTooltip(el.getAttribute("data-label-place") || "").addTo(map);
      bounds.push([placeLat, placeLon]);
    }
    if (lat !== null && lon !== null) {
      var accuracy = num(el, "accuracy") || 0;
      if (accuracy > 0) {
        L.circle([lat, lon], { radius: accuracy, color: "#c9a227", weight: 1, fillOpacity: 0.15 }).addTo(map);
      }
      L.circleMarker([lat, lon], { radius: 6, color: "#b02a37", fillColor: "#dc3545", fillOpacity: 0.9 })
        .bindTooltip(el.getAttribute("data-label-position") || "").addTo(map);
      bounds.push([lat, lon]);
    }
    if (bounds.length === 2) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
    } else if (bounds.length === 1) {
      map.setView(bounds[0], 16);
    } else {
      map.setView([-6.1612, 106.8452], 11);
    }
    L.control.scale({ imperial: false }).addTo(map);
  }

  function initMaps(root) {
    (root || document).querySelectorAll(".cempaka-map").forEach(initMap);
  }

  document.addEventListener("htmx:load", function (evt) { initMaps(evt.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initMaps(document); });
  } else {
    initMaps(document);
  }
})();
