/* Dashboard charts: each <div data-chart="id"> is drawn from the JSON of <script id="id"> (json_script), the
   same numbers as the table beside it. Without ECharts (not installed, offline) the table stays, with a note.
   Counts of different sizes (activities in thousands, suggestions in tens) would flatten the small ones on one
   axis: the series far larger than the others get an axis of their own, on the right, named after them.
   A table wider than its frame says that it scrolls sideways. */
(function () {
  "use strict";
  function largest(s) {
    return s.data.reduce(function (m, v) { return v != null && v > m ? v : m; }, 0);
  }
  // Series index → axis (0 left, 1 right): right for those ten times or more above the smallest's peak.
  function axesOf(spec) {
    if (spec.percent || spec.series.length < 2) { return spec.series.map(function () { return 0; }); }
    var peaks = spec.series.map(largest);
    var small = Math.max(1, Math.min.apply(null, peaks));
    var sides = peaks.map(function (p) { return p >= 10 * small ? 1 : 0; });
    return sides.indexOf(0) < 0 ? peaks.map(function () { return 0; }) : sides;
  }
  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    if (!window.echarts) { el.classList.add("chart-off"); return; }
    el.textContent = "";
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    var unit = spec.percent ? "%" : "";
    var sides = axesOf(spec);
    function axis(side) {
      var names = spec.series.filter(function (s, i) { return sides[i] === side; }).map(function (s) { return s.name; });
      return {
        type: "value",
        name: sides.indexOf(1) >= 0 ? names.join(" / ") : "",
        nameTextStyle: { align: side ? "right" : "left" },
        max: spec.percent ? 100 : null,
        minInterval: spec.percent ? null : 1,  // counts: whole numbers on the axis
        splitLine: { show: side === 0 },
        axisLabel: { formatter: "{value}" + unit }
      };
    }
    chart.setOption({
      animation: false,
      color: ["#b3261e", "#0b57d0", "#1a7f37", "#9a6700", "#6f42c1", "#5e6670"],
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + unit; } },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 16, top: sides.indexOf(1) >= 0 ? 56 : 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: spec.categories, axisLabel: { interval: 0, rotate: spec.categories.length > 6 || el.clientWidth < 560 ? 30 : 0 } },
      yAxis: sides.indexOf(1) >= 0 ? [axis(0), axis(1)] : [axis(0)],
      series: spec.series.map(function (s, i) {
        return { name: s.name, type: spec.type, data: s.data, connectNulls: true, yAxisIndex: sides[i] };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-drawn", "1");
    el.setAttribute("data-axes", sides.indexOf(1) >= 0 ? "2" : "1");
  }
  // A table wider than its frame (on a phone) shows the line saying it scrolls sideways.
  function markWide() {
    Array.prototype.forEach.call(document.querySelectorAll(".dash-table"), function (t) {
      var wrap = t.querySelector(".table-wrap");
      t.classList.toggle("overflows", !!wrap && wrap.scrollWidth > wrap.clientWidth + 1);
    });
  }
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
    markWide();
    window.addEventListener("resize", markWide);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
