/* circularopt web app: live progress, maps and charts (progressive enhancement). */
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

  /* scattermap -> scattergl on lon/lat axes: no tiles, no network */
  function offline(fig) {
    var lat0 = fig.layout.map.center.lat;
    var data = fig.data.map(function (t) {
      var c = Object.assign({}, t, {type: "scattergl", x: t.lon, y: t.lat});
      delete c.lat; delete c.lon;
      return c;
    });
    var layout = Object.assign({}, fig.layout, {
      xaxis: {showgrid: false, zeroline: false, title: {text: "lon"}},
      yaxis: {showgrid: false, zeroline: false, title: {text: "lat"}, scaleanchor: "x",
              scaleratio: 1 / Math.max(Math.cos(lat0 * Math.PI / 180), 0.05)},
      plot_bgcolor: "#f4f6f8", hovermode: "closest", dragmode: "pan"});
    delete layout.map;
    return {data: data, layout: layout};
  }

  function showStops(div, route) {
    var box = document.getElementById("stops");
    if (!box) { return; }
    getJSON("/api/runs/" + div.dataset.run + "/routes/" + encodeURIComponent(route))
      .then(function (r) {
        var rows = r.stops.map(function (s) {
          return "<tr><td>" + esc(s.sequence) + "</td><td>" + esc(s.kind) + "</td><td>" +
            esc(s.id) + "</td><td>" + esc(s.arrival) + "</td><td>" + esc(s.departure) +
            "</td><td>" + esc(Number(s.picked_up_t).toFixed(2)) +
            "</td><td>" + esc(Number(s.load_on_board_t).toFixed(2)) + "</td></tr>";
        }).join("");
        var title = document.createElement("span");
        title.textContent = route + " · " + (r.stops[0] ? r.stops[0].vehicle : "");
        box.innerHTML = "<h3 id='stops-title'></h3><table class='list'><tr><th>#</th>" +
          "<th>kind</th><th>id</th><th>arr.</th><th>dep.</th><th>picked up t</th>" +
          "<th>on board t</th></tr>" + rows + "</table>";
        document.getElementById("stops-title").appendChild(title);
      });
  }

  function drawMap(div, fig) {
    var tiles = document.getElementById("tiles");
    var shown = tiles && tiles.checked ? fig : offline(fig);
    var drawn = Plotly.react(div, shown.data, shown.layout, {responsive: true,
      scrollZoom: true, displaylogo: false});
    if (!div.dataset.bound && div.on) {  /* bound now: with tiles offline, drawn never settles */
      div.dataset.bound = "1";
      div.on("plotly_click", function (ev) {
        var p = ev.points && ev.points[0];
        if (p && p.data.meta === "routes" && p.customdata) { showStops(div, p.customdata); }
      });
    }
    return drawn.then(function () {
      div.dataset.rendered = String(performance.now());
      div.dataset.traces = String(shown.data.length);
    });
  }

  /* start downloading the figures while plotly.js is still being evaluated */
  var early = {};
  document.querySelectorAll(".map[data-src]").forEach(function (div) {
    early[div.dataset.src] = getJSON(div.dataset.src);
  });

  function loadMap(div) {
    (early[div.dataset.src] || getJSON(div.dataset.src)).then(function (fig) {
      var tiles = document.getElementById("tiles");
      drawMap(div, fig);
      if (tiles) {
        tiles.addEventListener("change", function () {
          fig.layout.map.style = tiles.checked ? "open-street-map" : "white-bg";
          Plotly.purge(div); div.dataset.bound = ""; drawMap(div, fig);
        });
      }
    }).catch(function (e) { div.textContent = String(e); });
  }

  function loadCharts(run) {
    getJSON("/api/runs/" + run + "/view/charts.json").then(function (c) {
      [["chart-cost", c.cost], ["chart-tonnes", c.tonnes]].forEach(function (pair) {
        var el = document.getElementById(pair[0]);
        if (el && pair[1]) { Plotly.newPlot(el, pair[1].data, pair[1].layout, {displaylogo: false}); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.getElementById("progress");
    if (section && section.dataset.active === "1") { pollRun(section); }
    var cancel = document.getElementById("cancel");
    if (cancel) { cancelByFetch(cancel); }
    if (window.Plotly) {
      document.querySelectorAll(".map[data-src]").forEach(loadMap);
      if (document.getElementById("chart-cost") && section) { loadCharts(section.dataset.run); }
    }
    var lang = document.querySelector('select[name="lang"]');
    if (lang) { lang.addEventListener("change", function () { lang.form.submit(); }); }
    var refresh = document.querySelector("[data-refresh]");
    if (refresh) { setTimeout(function () { window.location.reload(); }, 1000 * refresh.dataset.refresh); }
  });
})();
