/* Dashboard charts: each <div data-chart="id"> is drawn from the JSON of <script id="id"> (json_script), the
   same numbers as the table beside it. Without ECharts (not installed, offline) the table stays, with a note. */
(function () {
  "use strict";
  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    if (!window.echarts) { el.classList.add("chart-off"); return; }
    el.textContent = "";
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    var unit = spec.percent ? "%" : "";
    chart.setOption({
      animation: false,
      color: ["#b3261e", "#0b57d0", "#1a7f37", "#9a6700", "#6f42c1", "#5e6670"],
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + unit; } },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: spec.categories, axisLabel: { interval: 0, rotate: spec.categories.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", max: spec.percent ? 100 : null, axisLabel: { formatter: "{value}" + unit } },
      series: spec.series.map(function (s) {
        return { name: s.name, type: spec.type, data: s.data, connectNulls: true };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-drawn", "1");
  }
  function start() { Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
