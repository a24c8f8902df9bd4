// The figures page's charts, drawn from the rows the page carries in data- attributes (the
// tables beside them hold the same numbers for screen readers and printing).
(function () {
  "use strict";
  function rows(el) { return JSON.parse(el.dataset.rows || "[]"); }
  function names(el) { return JSON.parse(el.dataset.names || "{}"); }
  function uniq(list) { return list.filter(function (v, i) { return list.indexOf(v) === i; }).sort(); }

  function monthly(el) {
    var data = rows(el), n = names(el);
    var months = uniq(data.map(function (r) { return r.month; }));
    var programs = uniq(data.map(function (r) { return r.program; }));
    var series = programs.map(function (p) {
      return { name: n[p] || p, type: "bar", stack: "received",
               data: months.map(function (m) {
                 var row = data.find(function (r) { return r.program === p && r.month === m; });
                 return row ? row.received : 0; }) };
    });
    return { tooltip: { trigger: "axis" }, legend: {}, grid: { containLabel: true },
             xAxis: { type: "category", data: months }, yAxis: { type: "value", minInterval: 1 },
             series: series };
  }

  function rates(el) {
    var data = rows(el), n = names(el), group = el.dataset.group;
    var keys = ["response_rate", "resolution_rate", "satisfaction_rate", "on_time_rate"];
    var labels = data.map(function (r) { return group === "program" ? (n[r[group]] || r[group]) : r[group]; });
    var series = keys.map(function (k) {
      return { name: el.dataset["label" + k.split("_").map(function (w) {
                 return w.charAt(0).toUpperCase() + w.slice(1); }).join("")],
               type: group === "month" ? "line" : "bar",
               data: data.map(function (r) { return r[k] === null ? null : Math.round(r[k] * 100); }) };
    });
    return { tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + "%"; } },
             legend: {}, grid: { containLabel: true },
             xAxis: { type: "category", data: labels },
             yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
             series: series };
  }

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var chart = echarts.init(el);
    // no animation: the figures are read, not watched (and reduced motion for everyone)
    chart.setOption({ animation: false });
    chart.setOption(el.dataset.chart === "monthly" ? monthly(el) : rates(el));
    el.dataset.drawn = "true";
    window.addEventListener("resize", function () { chart.resize(); });
  });
}());
