/* circularopt web app: live progress, maps (static/map.js) and charts (progressive enhancement). */
"use strict";
(function () {
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function esc(value) {
    var d = document.createElement("div");
    d.textContent = value == null ? "" : String(value);
    return d.innerHTML;
  }

  function getJSON(url) {
    return fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { if (!r.ok) { throw new Error(url + ": " + r.status); } return r.json(); });
  }

  function pollRun(section) {
    var id = section.dataset.run, status = section.dataset.status;
    function tick() {
      getJSON("/api/runs/" + id).then(function (run) {
        document.getElementById("stage").textContent = run.stage;
        document.getElementById("left").textContent =
          run.seconds_left == null ? "" : Math.round(run.seconds_left) + " s";
        document.getElementById("log").textContent = run.log.join("\n");
        if (run.status !== status) { window.location.reload(); return; }
        setTimeout(tick, 1000);
      }).catch(function () { setTimeout(tick, 3000); });
    }
    setTimeout(tick, 1000);
  }

  function cancelByFetch(form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      fetch(form.action, {method: "POST", credentials: "same-origin",
        headers: {"X-CSRF-Token": csrf, "Accept": "application/json"}})
        .then(function () { document.getElementById("status").textContent = "…"; });
    });
  }

  function cell(row, text, cls) {
    var td = document.createElement("td");
    td.textContent = text == null ? "" : String(text);
    if (cls) { td.className = cls; }
    row.appendChild(td);
  }

  function showStops(div, day, route) {
    var box = document.getElementById("stops");
    if (!box) { return; }
    document.querySelectorAll("#route-list tr[data-route]").forEach(function (tr) {
      tr.classList.toggle("chosen", tr.dataset.route === route);
    });
    getJSON("/api/runs/" + div.dataset.run + "/routes/" + encodeURIComponent(route) +
            "?day=" + encodeURIComponent(day))
      .then(function (r) {
        var rows = r.stops.map(function (s) {
          return "<tr><td>" + esc(s.sequence) + "</td><td>" + esc(s.kind) + "</td><td>" +
            esc(s.id) + "</td><td>" + esc(s.arrival) + "</td><td>" + esc(s.departure) +
            "</td><td>" + esc(Number(s.picked_up_t).toFixed(2)) +
            "</td><td>" + esc(Number(s.load_on_board_t).toFixed(2)) + "</td></tr>";
        }).join("");
        var title = document.createElement("span");
        title.textContent = r.day + " · " + route + " · " + (r.stops[0] ? r.stops[0].vehicle : "");
        box.innerHTML = "<h3 id='stops-title'></h3><table class='list'><tr><th>#</th>" +
          "<th>kind</th><th>id</th><th>arr.</th><th>dep.</th><th>picked up t</th>" +
          "<th>on board t</th></tr>" + rows + "</table>";
        document.getElementById("stops-title").appendChild(title);
      });
  }

  /* the chosen day's routes as a table; a click on a row chooses the route */
  function listRoutes(view) {
    var box = document.getElementById("route-list");
    if (!box) { return; }
    var head = box.querySelector("thead tr"), body = box.querySelector("tbody");
    body.textContent = "";
    view.dayRoutes().forEach(function (r) {
      var row = document.createElement("tr");
      row.dataset.route = r.route;
      var sw = document.createElement("td"), dot = document.createElement("span");
      dot.className = "swatch"; dot.style.background = r.colour;
      sw.appendChild(dot); sw.appendChild(document.createTextNode(r.route)); row.appendChild(sw);
      cell(row, r.vehicle); cell(row, r.start + "–" + r.end);
      cell(row, r.km.toFixed(1), "num"); cell(row, r.tonnes.toFixed(1), "num");
      row.addEventListener("click", function () { view.choose(r.route); });
      body.appendChild(row);
    });
    head.dataset.day = view.day;
  }

  var early = {};
  document.querySelectorAll(".map[data-src]").forEach(function (div) {
    early[div.dataset.src] = getJSON(div.dataset.src);
  });

  function loadMap(div) {
    return (early[div.dataset.src] || getJSON(div.dataset.src)).then(function (data) {
      var tiles = document.getElementById("tiles");
      /* streets: asked for now (before plotly.js), drawn after the first paint */
      var streets = data.streets_src ? getJSON(div.dataset.src.replace(/[^/]+$/, data.streets_src)) : null;
      var view = new window.CircularMap.MapView(div, data, {
        tiles: tiles ? tiles.checked : div.dataset.tiles === "1",
        onRoute: function (day, route) { showStops(div, day, route); },
        onDay: function () { listRoutes(view); },
        afterFirstPaint: streets ? function () {
          streets.then(function (s) { view.addStreets(s); });
        } : null});
      div.mapView = view;  /* for scripts and tests */
      if (div.id === "map") {
        listRoutes(view);
        if (tiles) { tiles.addEventListener("change", function () { view.setTiles(tiles.checked); }); }
      }
      view.draw();
      return view;
    }).catch(function (e) { div.textContent = String(e); });
  }

  /* plotly.js (4.8 MB) only for the charts, after the maps are drawn */
  function loadCharts(run) {
    var s = document.createElement("script");
    s.src = "/vendor/plotly.js";
    s.onload = function () {
      getJSON("/api/runs/" + run + "/view/charts.json").then(function (c) {
        [["chart-cost", c.cost], ["chart-tonnes", c.tonnes]].forEach(function (pair) {
          var el = document.getElementById(pair[0]);
          if (el && pair[1]) {
            window.Plotly.newPlot(el, pair[1].data, pair[1].layout, {displaylogo: false})
              .then(function () { el.dataset.rendered = String(performance.now()); });
          }
        });
      });
    };
    document.head.appendChild(s);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.getElementById("progress");
    if (section && section.dataset.active === "1") { pollRun(section); }
    var cancel = document.getElementById("cancel");
    if (cancel) { cancelByFetch(cancel); }
    var maps = Array.prototype.map.call(document.querySelectorAll(".map[data-src]"), loadMap);
    if (document.getElementById("chart-cost") && section) {
      Promise.all(maps).then(function () { loadCharts(section.dataset.run); });
    }
    var lang = document.querySelector('select[name="lang"]');
    if (lang) { lang.addEventListener("change", function () { lang.form.submit(); }); }
    var refresh = document.querySelector("[data-refresh]");
    if (refresh) { setTimeout(function () { window.location.reload(); }, 1000 * refresh.dataset.refresh); }
  });
})();
