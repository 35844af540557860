// Dashboard charts: units (map for the city, bars below) with drill-down, and monthly trends.
(function () {
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var go = function (code) {
    var url = new URL(window.location.href);
    url.searchParams.set("unit", code);
    url.searchParams.delete("format");
    window.location.href = url.toString();
  };
  var byName = {};
  data.children.forEach(function (c) { byName[c.name] = c.code; });
  var key = data.map_figure;
  var unitsEl = document.getElementById("chart-units");
  var units = echarts.init(unitsEl);
  var values = data.children.map(function (c) { return c.values[key] || 0; });
  var max = Math.max.apply(null, values.concat([1]));
  if (data.is_city && echarts.getMap && echarts.getMap("衡阳")) {
    units.setOption({
      tooltip: { trigger: "item" },
      visualMap: { min: 0, max: max, left: "left", calculable: true, text: [data.labels[key], ""] },
      series: [{ type: "map", map: "衡阳", roam: false, name: data.labels[key],
        label: { show: true, fontSize: 10 },
        data: data.children.map(function (c) { return { name: c.name, value: c.values[key] || 0 }; }) }]
    });
  } else {
    units.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 110, right: 20, top: 10, bottom: 30 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: data.children.map(function (c) { return c.name; }), inverse: true },
      series: [{ type: "bar", name: data.labels[key], data: values }]
    });
  }
  units.on("click", function (p) { if (byName[p.name]) { go(byName[p.name]); } });
  var trend = echarts.init(document.getElementById("chart-trend"));
  trend.setOption({
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", top: 0 },
    grid: { left: 60, right: 60, top: 40, bottom: 30 },
    xAxis: { type: "category", data: data.months },
    yAxis: [{ type: "value" }, { type: "value" }],
    series: data.keys.map(function (k) {
      // Large figures (volunteers, employees) on the right axis so the small ones stay legible.
      var big = Math.max.apply(null, (data.trend[k] || [0]).concat([0])) > 20000;
      return { type: "line", name: data.labels[k], data: data.trend[k], yAxisIndex: big ? 1 : 0, showSymbol: false };
    })
  });
  var pieEl = document.getElementById("chart-pie");
  var pie = null;
  if (pieEl && data.pie && data.pie.length) {
    pie = echarts.init(pieEl);
    pie.setOption({ tooltip: { trigger: "item" }, legend: { type: "scroll", orient: "vertical", left: "left" },
      series: [{ type: "pie", radius: ["35%", "70%"], center: ["60%", "50%"], data: data.pie }] });
  }
  window.addEventListener("resize", function () { units.resize(); trend.resize(); if (pie) { pie.resize(); } });
  window.gongzhiCharts = { units: units, trend: trend };
})();
