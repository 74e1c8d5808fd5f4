// 干部结构分析: one ECharts chart per dimension; a bar or slice opens the cadre list it counts.
(function () {
  "use strict";
  var source = document.getElementById("structure-charts");
  if (!source || typeof echarts === "undefined") return;
  var charts = JSON.parse(source.textContent);
  var palette = ["#b71c1c", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#757575"];
  var rendered = [];
  charts.forEach(function (chart) {
    var element = document.getElementById("chart-" + chart.key);
    if (!element) return;
    var instance = echarts.init(element, null, { renderer: "canvas" });
    var items = chart.items.map(function (item, index) {
      return { name: item.name, value: item.value, url: item.url, itemStyle: { color: palette[index % palette.length] } };
    });
    var option;
    if (chart.kind === "pie") {
      option = {
        color: palette,
        tooltip: { trigger: "item", formatter: "{b}：{c}人（{d}%）" },
        series: [{ type: "pie", radius: ["35%", "65%"], data: items, label: { formatter: "{b}\n{c}人" } }],
      };
    } else {
      option = {
        tooltip: { trigger: "axis", formatter: "{b}：{c}人" },
        grid: { left: 40, right: 10, top: 20, bottom: 40 },
        xAxis: { type: "category", data: items.map(function (i) { return i.name; }), axisLabel: { interval: 0, fontSize: 11 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "bar", data: items, barMaxWidth: 40, label: { show: true, position: "top" } }],
      };
    }
    option.animation = false;
    instance.setOption(option);
    instance.on("click", function (params) {
      if (params.data && params.data.url) window.location.href = params.data.url;
    });
    element.setAttribute("data-chart-ready", "1");
    rendered.push(instance);
  });
  window.addEventListener("resize", function () { rendered.forEach(function (c) { c.resize(); }); });
})();
