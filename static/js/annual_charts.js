// 一报告两评议: stacked bars of each evaluation's counts per option (data from the page's json_script).
(function () {
  "use strict";
  var source = document.getElementById("annual-charts");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  function draw(id, chart) {
    var el = document.getElementById(id);
    if (!el || !chart.labels.length) { return; }
    echarts.init(el).setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 10, top: 30, bottom: 30 },
      xAxis: { type: "category", data: chart.labels },
      yAxis: { type: "value", minInterval: 1 },
      series: chart.series.map(function (s) { return { name: s.name, type: "bar", stack: "all", data: s.data }; })
    });
  }
  draw("work-chart", data.work);
  draw("cadre-chart", data.cadre);
})();
