/* circularopt map: a small canvas renderer of a plan (Web Mercator, no library).
 *
 * Draws the view JSON of circularopt.web.mapview.map_data: street tiles when asked (and
 * online), curbside streets (in their route's colour, unserved red; shown or hidden by the
 * page's check box named in the map div's data-streets-box, else by a legend check box),
 * the routes of one day (polylines, the chosen one highlighted), point layers.
 * Drag to pan; wheel, buttons (animated) or two fingers (pinch) to zoom, in fractional steps; hover for
 * names, click a route to choose it. Curbside streets may come after the first paint
 * (addStreets).
 * Hit tests are geometric (the canvas is never read back, so cross-origin tiles are fine).
 */
"use strict";
window.CircularMap = (function () {
  var TILE = 256, MAX_ZOOM = 19, BG = "#f4f6f8", ZOOM_MS = 180;

  function merc(lon, lat) {
    var s = Math.sin(Math.max(-85.05, Math.min(85.05, lat)) * Math.PI / 180);
    return [(lon + 180) / 360, 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)];
  }

  function project(lons, lats) {
    var xy = new Float64Array(2 * lons.length);
    for (var i = 0; i < lons.length; i++) {
      var p = merc(lons[i], lats[i]);
      xy[2 * i] = p[0]; xy[2 * i + 1] = p[1];
    }
    return xy;
  }

  function segDist(px, py, ax, ay, bx, by) {
    var dx = bx - ax, dy = by - ay, l = dx * dx + dy * dy;
    var t = l > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / l)) : 0;
    var ex = ax + t * dx - px, ey = ay + t * dy - py;
    return Math.sqrt(ex * ex + ey * ey);
  }

  function el(tag, cls, parent) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function projectStreets(streets) {
    streets.groups.forEach(function (g) {
      g.xy = g.lines.map(function (l) {
        var lons = [], lats = [];
        for (var i = 0; i + 1 < l.length; i += 2) { lons.push(l[i]); lats.push(l[i + 1]); }
        return project(lons, lats);
      });
    });
  }

  function MapView(div, data, opts) {
    this.div = div; this.data = data; this.opts = opts || {};
    this.tiles = !!this.opts.tiles; this.cache = {}; this.cached = 0;
    this.selected = null; this.hidden = {}; this.queued = false;
    data.layers.forEach(function (l) {
      l.xy = project(l.lon, l.lat);
      l.groups = {};
      var colours = Array.isArray(l.colour) ? l.colour : null;
      for (var i = 0; i < l.lon.length; i++) {
        var c = colours ? colours[i] : l.colour;
        (l.groups[c] = l.groups[c] || []).push(i);
      }
    });
    data.days.forEach(function (d) {
      d.routes.forEach(function (r) { r.xy = project(r.lon, r.lat); });
    });
    if (data.streets) { projectStreets(data.streets); }
    this.day = data.days.length ? data.days[0].day : null;
    this.build();
    this.fit();
    this.bind();
  }

  MapView.prototype.build = function () {
    var self = this, div = this.div;
    div.classList.add("cmap");
    div.textContent = "";
    this.canvas = el("canvas", "", div);
    this.canvas.style.touchAction = "none";  /* the map, not the page, takes pinches and drags */
    this.ctx = this.canvas.getContext("2d");
    this.tip = el("div", "cmap-tip", div);
    this.tip.hidden = true;
    var bar = el("div", "cmap-bar", div);
    [["+", 1], ["\u2212", -1], ["\u2922", 0]].forEach(function (b) {
      var btn = el("button", "", bar);
      btn.type = "button"; btn.textContent = b[0];
      btn.addEventListener("click", function () {
        if (b[1]) { self.zoomSmooth(self.w / 2, self.h / 2, b[1]); } else { self.fit(); self.draw(); }
      });
    });
    if (this.data.days.length) {
      var label = el("label", "cmap-day", bar);
      label.appendChild(document.createTextNode(this.data.labels.day + " "));
      this.select = el("select", "day-select", label);
      this.data.days.forEach(function (d) {
        var o = el("option", "", self.select);
        o.value = d.day; o.textContent = d.label + " (" + d.routes.length + ")";
      });
      this.select.addEventListener("change", function () { self.setDay(self.select.value); });
    }
    this.legend = el("div", "cmap-legend", div);
    this.attribution = el("div", "cmap-attr", div);
    this.attribution.textContent = this.data.tiles.attribution;
    this.attribution.hidden = !this.tiles;
    if (this.data.title) { el("div", "cmap-title", div).textContent = this.data.title; }
    this.buildLegend();
    this.resize();
  };

  MapView.prototype.buildLegend = function () {
    var self = this;
    var items = this.data.layers.map(function (l, k) {
      return {key: "l" + k, name: l.name, colour: Array.isArray(l.colour) ? "#888" : l.colour};
    });
    if (this.data.days.length) {
      items.unshift({key: "routes", name: this.data.labels.routes, colour: "#9467bd"});
    }
    var st = this.data.streets;
    if (st && !this.streetsBox()) { items.unshift({key: "streets", name: st.name, colour: "#607d8b"}); }
    items.forEach(function (it) {
      var row = el("label", "", self.legend), box = el("input", "", row);
      box.type = "checkbox"; box.checked = true;
      box.addEventListener("change", function () { self.hidden[it.key] = !box.checked; self.draw(); });
      el("span", "swatch", row).style.background = it.colour;
      row.appendChild(document.createTextNode(it.name));
    });
    if (st && st.unserved) {
      var row = el("div", "", this.legend);
      el("span", "swatch", row).style.background = st.groups.filter(function (g) { return !g.served; })[0].colour;
      row.appendChild(document.createTextNode(st.unserved_name));
    }
    if (st && st.note) {
      var note = el("div", "cmap-synthetic", this.legend);
      note.textContent = st.note; note.style.background = "#fff3cd"; note.style.color = "#7a4d00";
    }
  };

  /* curbside streets that arrive after the first paint (map.json's streets_src) */
  MapView.prototype.addStreets = function (streets) {
    if (!streets) { return; }
    projectStreets(streets);
    this.data.streets = streets;
    this.legend.textContent = "";
    this.buildLegend();
    this.streetsPainted = false;
    this.draw();
  };

  /* the page's streets check box (named by the map div's data-streets-box), bound once */
  MapView.prototype.streetsBox = function () {
    var id = this.div.dataset.streetsBox, box = id ? document.getElementById(id) : null;
    if (!box || !this.data.streets) { return null; }
    if (!this.boundBox) {
      var self = this;
      this.boundBox = true;
      if (box.parentElement) { box.parentElement.hidden = false; }
      this.hidden.streets = !box.checked;
      box.addEventListener("change", function () { self.hidden.streets = !box.checked; self.draw(); });
    }
    return box;
  };

  MapView.prototype.resize = function () {
    var r = this.div.getBoundingClientRect(), dpr = window.devicePixelRatio || 1;
    this.w = Math.max(r.width, 50); this.h = Math.max(r.height, 50); this.dpr = dpr;
    this.canvas.width = Math.round(this.w * dpr); this.canvas.height = Math.round(this.h * dpr);
    this.canvas.style.width = this.w + "px"; this.canvas.style.height = this.h + "px";
  };

  MapView.prototype.fit = function () {
    var b = this.data.bbox, a = merc(b[0], b[3]), c = merc(b[2], b[1]);
    this.cx = (a[0] + c[0]) / 2; this.cy = (a[1] + c[1]) / 2;
    var dx = Math.max(c[0] - a[0], 1e-7), dy = Math.max(c[1] - a[1], 1e-7);
    var z = Math.log2(Math.min(this.w / (dx * TILE), this.h / (dy * TILE))) - 0.15;
    this.z = Math.max(1, Math.min(MAX_ZOOM, z));
  };

  MapView.prototype.scale = function () { return TILE * Math.pow(2, this.z); };

  MapView.prototype.toScreen = function (x, y) {
    var s = this.scale();
    return [(x - this.cx) * s + this.w / 2, (y - this.cy) * s + this.h / 2];
  };

  MapView.prototype.zoomAt = function (sx, sy, dz) {
    var s = this.scale(), ux = this.cx + (sx - this.w / 2) / s, uy = this.cy + (sy - this.h / 2) / s;
    this.z = Math.max(1, Math.min(MAX_ZOOM, this.z + dz));
    s = this.scale();
    this.cx = ux - (sx - this.w / 2) / s; this.cy = uy - (sy - this.h / 2) / s;
    this.draw();
  };

  /* zoom by dz about a screen point in steps over ZOOM_MS (buttons, double click) */
  MapView.prototype.zoomSmooth = function (sx, sy, dz) {
    var self = this, t0 = performance.now(), done = 0;
    function step(now) {
      var f = Math.min(1, (now - t0) / ZOOM_MS), eased = f * (2 - f);
      self.zoomAt(sx, sy, dz * eased - done);
      done = dz * eased;
      if (f < 1) { window.requestAnimationFrame(step); }
    }
    window.requestAnimationFrame(step);
  };

  MapView.prototype.draw = function () {
    var self = this;
    if (this.queued) { return; }
    this.queued = true;
    window.requestAnimationFrame(function () { self.queued = false; self.paint(); });
  };

  MapView.prototype.paint = function () {
    var ctx = this.ctx;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.fillStyle = BG; ctx.fillRect(0, 0, this.w, this.h);
    if (this.tiles) { this.paintTiles(); }
    if (this.data.streets && !this.hidden.streets) { this.paintStreets(); }
    if (!this.hidden.routes) { this.paintRoutes(); }
    var self = this;
    this.data.layers.forEach(function (l, k) { if (!self.hidden["l" + k]) { self.paintLayer(l); } });
    if (!this.div.dataset.rendered) {
      this.div.dataset.rendered = String(performance.now());
      this.div.dataset.points = String(this.data.layers.reduce(function (n, l) { return n + l.lon.length; }, 0));
      if (this.opts.afterFirstPaint) { window.setTimeout(this.opts.afterFirstPaint, 0); }
    }
    if (this.data.streets && !this.streetsPainted) {
      this.streetsPainted = true;
      this.div.dataset.streetsRendered = String(performance.now());
    }
    this.div.dataset.routes = String(this.dayRoutes().length);
    this.div.dataset.streets = String(this.data.streets && !this.hidden.streets ? this.data.streets.count : 0);
  };

  MapView.prototype.paintTiles = function () {
    var zt = Math.max(0, Math.min(MAX_ZOOM, Math.round(this.z))), n = Math.pow(2, zt);
    var s = this.scale(), size = s / n, self = this;
    var x0 = Math.floor((this.cx - this.w / 2 / s) * n), x1 = Math.floor((this.cx + this.w / 2 / s) * n);
    var y0 = Math.max(0, Math.floor((this.cy - this.h / 2 / s) * n));
    var y1 = Math.min(n - 1, Math.floor((this.cy + this.h / 2 / s) * n));
    if (this.cached > 400) { this.cache = {}; this.cached = 0; }
    for (var x = x0; x <= x1; x++) {
      for (var y = y0; y <= y1; y++) {
        var tx = ((x % n) + n) % n, key = zt + "/" + tx + "/" + y, img = this.cache[key];
        if (!img) {
          img = this.cache[key] = new Image(); this.cached++;
          img.onload = function () { self.draw(); };
          img.src = this.data.tiles.url.replace("{s}", this.data.tiles.subdomains[(tx + y) % 4])
            .replace("{z}", zt).replace("{x}", tx).replace("{y}", y);
        }
        if (img.complete && img.naturalWidth) {
          var p = this.toScreen(x / n, y / n);
          this.ctx.drawImage(img, p[0], p[1], size + 0.5, size + 0.5);
        }
      }
    }
  };

  MapView.prototype.dayRoutes = function () {
    var self = this, d = this.data.days.filter(function (d) { return d.day === self.day; })[0];
    return d ? d.routes : [];
  };

  MapView.prototype.paintRoutes = function () {
    var ctx = this.ctx, s = this.scale(), ox = this.w / 2 - this.cx * s, oy = this.h / 2 - this.cy * s;
    var sel = this.selected;
    ctx.lineJoin = "round"; ctx.lineCap = "round";
    this.dayRoutes().forEach(function (r) {
      var on = sel === r.route;
      ctx.globalAlpha = sel && !on ? 0.3 : 1;
      ctx.lineWidth = on ? 5 : 2;
      ctx.strokeStyle = r.colour;
      ctx.setLineDash(on ? [] : r.dash);
      ctx.beginPath();
      for (var i = 0; i < r.xy.length; i += 2) {
        var x = r.xy[i] * s + ox, y = r.xy[i + 1] * s + oy;
        if (i === 0) { ctx.moveTo(x, y); } else { ctx.lineTo(x, y); }
      }
      ctx.stroke();
    });
    ctx.globalAlpha = 1; ctx.setLineDash([]);
  };

  /* curbside streets under the routes: one path per route colour; a chosen route's own */
  MapView.prototype.paintStreets = function () {
    var ctx = this.ctx, s = this.scale(), ox = this.w / 2 - this.cx * s, oy = this.h / 2 - this.cy * s;
    var sel = this.selected;
    ctx.lineJoin = "round"; ctx.lineCap = "round";
    this.data.streets.groups.forEach(function (g) {
      ctx.globalAlpha = sel && g.route !== sel ? 0.25 : 0.8;
      ctx.lineWidth = g.served ? 3 : 2;
      ctx.strokeStyle = g.colour;
      ctx.beginPath();
      g.xy.forEach(function (xy) {
        for (var i = 0; i + 1 < xy.length; i += 2) {
          var x = xy[i] * s + ox, y = xy[i + 1] * s + oy;
          if (i === 0) { ctx.moveTo(x, y); } else { ctx.lineTo(x, y); }
        }
      });
      ctx.stroke();
    });
    ctx.globalAlpha = 1;
  };

  MapView.prototype.paintLayer = function (l) {
    var ctx = this.ctx, s = this.scale(), ox = this.w / 2 - this.cx * s, oy = this.h / 2 - this.cy * s;
    var r = l.size, w = this.w, h = this.h, big = r > 4;
    Object.keys(l.groups).forEach(function (c) {
      ctx.fillStyle = c;
      ctx.beginPath();
      l.groups[c].forEach(function (i) {
        var x = l.xy[2 * i] * s + ox, y = l.xy[2 * i + 1] * s + oy;
        if (x < -r || y < -r || x > w + r || y > h + r) { return; }
        ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 2 * Math.PI);
      });
      ctx.fill();
      if (big) { ctx.strokeStyle = "#fff"; ctx.lineWidth = 1.5; ctx.stroke(); }
    });
  };

  /* the nearest point within 8 px ({layer, index}) or route within 6 px ({route}) */
  MapView.prototype.hit = function (sx, sy) {
    var best = null, bd = 8, self = this;
    this.data.layers.forEach(function (l, k) {
      if (self.hidden["l" + k]) { return; }
      for (var i = 0; i < l.lon.length; i++) {
        var p = self.toScreen(l.xy[2 * i], l.xy[2 * i + 1]);
        var d = Math.abs(p[0] - sx) + Math.abs(p[1] - sy);
        if (d <= bd) { bd = d; best = {layer: l, index: i}; }
      }
    });
    if (best || this.hidden.routes) { return best; }
    var s = this.scale(), ux = this.cx + (sx - this.w / 2) / s, uy = this.cy + (sy - this.h / 2) / s;
    var tol = 6 / s, found = null;
    this.dayRoutes().forEach(function (r) {
      for (var i = 0; i + 3 < r.xy.length; i += 2) {
        var d = segDist(ux, uy, r.xy[i], r.xy[i + 1], r.xy[i + 2], r.xy[i + 3]);
        if (d < tol) { tol = d; found = {route: r}; }
      }
    });
    return found;
  };

  MapView.prototype.showTip = function (sx, sy, h) {
    if (!h) { this.tip.hidden = true; return; }
    this.tip.textContent = h.route ?
      this.data.labels.route + " " + h.route.route + " · " + h.route.vehicle + " · " +
      h.route.km + " km · " + h.route.tonnes + " t" : h.layer.text[h.index];
    this.tip.style.left = (sx + 12) + "px"; this.tip.style.top = (sy + 12) + "px";
    this.tip.hidden = false;
  };

  /* two fingers: zoom by the change of their distance about their midpoint, which follows them */
  MapView.prototype.pinchStart = function (a, b) {
    var s = this.scale(), m = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    return {d: Math.max(Math.hypot(a[0] - b[0], a[1] - b[1]), 1), z: this.z,
            ux: this.cx + (m[0] - this.w / 2) / s, uy: this.cy + (m[1] - this.h / 2) / s};
  };

  MapView.prototype.pinchMove = function (pinch, a, b) {
    var m = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], d = Math.max(Math.hypot(a[0] - b[0], a[1] - b[1]), 1);
    this.z = Math.max(1, Math.min(MAX_ZOOM, pinch.z + Math.log2(d / pinch.d)));
    var s = this.scale();
    this.cx = pinch.ux - (m[0] - this.w / 2) / s; this.cy = pinch.uy - (m[1] - this.h / 2) / s;
    this.draw();
  };

  MapView.prototype.bind = function () {
    var self = this, c = this.canvas, drag = null, fingers = {}, pinch = null;
    function pos(ev) { var r = c.getBoundingClientRect(); return [ev.clientX - r.left, ev.clientY - r.top]; }
    function two() { var k = Object.keys(fingers); return k.length === 2 ? [fingers[k[0]], fingers[k[1]]] : null; }
    function lift(ev) {
      delete fingers[ev.pointerId];
      if (pinch) { pinch = null; drag = null; }
    }
    c.addEventListener("pointerdown", function (ev) {
      fingers[ev.pointerId] = pos(ev);
      var t = two();
      if (t) { pinch = self.pinchStart(t[0], t[1]); drag = null; self.tip.hidden = true; return; }
      drag = {p: pos(ev), cx: self.cx, cy: self.cy, moved: false};
      try { c.setPointerCapture(ev.pointerId); } catch (e) { /* a pointer already lifted */ }
    });
    c.addEventListener("pointercancel", lift);
    c.addEventListener("pointermove", function (ev) {
      var p = pos(ev);
      if (fingers[ev.pointerId]) { fingers[ev.pointerId] = p; }
      var t = pinch && two();
      if (t) { self.pinchMove(pinch, t[0], t[1]); return; }
      if (!drag) { if (ev.pointerType !== "touch") { self.showTip(p[0], p[1], self.hit(p[0], p[1])); } return; }
      var dx = p[0] - drag.p[0], dy = p[1] - drag.p[1], s = self.scale();
      if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; self.tip.hidden = true; }
      self.cx = drag.cx - dx / s; self.cy = drag.cy - dy / s;
      self.draw();
    });
    c.addEventListener("pointerup", function (ev) {
      var p = pos(ev), was = drag, pinched = !!pinch;
      if (fingers[ev.pointerId]) { fingers[ev.pointerId] = p; }
      var t = pinch && two();
      if (t) { self.pinchMove(pinch, t[0], t[1]); }  /* a move not yet delivered */
      lift(ev);
      drag = null;
      if (pinched) { return; }
      if (!was || was.moved) { return; }
      var h = self.hit(p[0], p[1]);
      if (h && h.route) { self.choose(h.route.route); }
    });
    c.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var p = pos(ev);
      self.zoomAt(p[0], p[1], -Math.max(-1, Math.min(1, ev.deltaY / 200)));
    }, {passive: false});
    c.addEventListener("dblclick", function (ev) { var p = pos(ev); self.zoomSmooth(p[0], p[1], 1); });
    if (window.ResizeObserver) {
      new ResizeObserver(function () { self.resize(); self.draw(); }).observe(this.div);
    }
  };

  /* choose a route of the current day: highlight it and tell the page */
  MapView.prototype.choose = function (route) {
    this.selected = route;
    this.draw();
    if (this.opts.onRoute) { this.opts.onRoute(this.day, route); }
  };

  MapView.prototype.setDay = function (day) {
    this.day = day; this.selected = null;
    if (this.select) { this.select.value = day; }
    this.draw();
    if (this.opts.onDay) { this.opts.onDay(day); }
  };

  MapView.prototype.setTiles = function (on) {
    this.tiles = on; this.attribution.hidden = !on; this.draw();
  };

  return {MapView: MapView, merc: merc};
})();
