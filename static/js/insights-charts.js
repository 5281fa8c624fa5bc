/* Insights charts: draws every <figure data-chart> with the vendored Chart.js.
 *
 * Each figure carries its figures as JSON in a json_script element (id in data-chart):
 * {kind, labels, series: [{label, values}], unit}. The same figures are in the figure's data
 * table, so nothing is lost without JavaScript. No inline script (CSP script-src 'self');
 * animation is off for people who ask for reduced motion.
 */
(function () {
  "use strict";

  // Colour-blind-safe palette (Okabe–Ito), dark enough for bars on white.
  var COLOURS = ["#0b5d4b", "#d55e00", "#0072b2", "#cc79a7", "#e69f00", "#009e73", "#56b4e9", "#4c5653"];

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function numberFormat() {
    var lang = document.documentElement.lang || "id";
    try {
      return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
    } catch (e) {
      return new Intl.NumberFormat("id", { maximumFractionDigits: 1 });
    }
  }

  function datasets(spec) {
    var doughnut = spec.kind === "doughnut";
    return spec.series.map(function (series, i) {
      var colour = COLOURS[i % COLOURS.length];
      var set = {
        label: series.label,
        data: series.values,
        backgroundColor: doughnut ? spec.labels.map(function (_, j) { return COLOURS[j % COLOURS.length]; }) : colour,
        borderColor: doughnut ? "#ffffff" : colour,
        borderWidth: spec.kind === "line" ? 2 : 1,
        spanGaps: true
      };
      if (spec.kind === "line") {
        set.pointRadius = 3;
        set.tension = 0;
        set.fill = false;
      }
      return set;
    });
  }

  function config(spec) {
    var format = numberFormat();
    var kind = spec.kind;
    var type = kind === "line" ? "line" : kind === "doughnut" ? "doughnut" : "bar";
    var horizontal = kind === "horizontal_bar";
    var stacked = kind === "stacked_bar";
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: reducedMotion() ? false : { duration: 400 },
      plugins: {
        legend: { display: spec.series.length > 1 || type === "doughnut", position: "bottom" },
        tooltip: {
          callbacks: {
            label: function (ctx) {
              var value = horizontal ? ctx.parsed.x : type === "doughnut" ? ctx.parsed : ctx.parsed.y;
              var text = value === null || value === undefined ? "–" : format.format(value);
              return (ctx.dataset.label ? ctx.dataset.label + ": " : "") + text + (spec.unit ? " " + spec.unit : "");
            }
          }
        }
      }
    };
    if (type !== "doughnut") {
      options.indexAxis = horizontal ? "y" : "x";
      var valueAxis = {
        beginAtZero: true,
        stacked: stacked,
        ticks: { callback: function (v) { return format.format(v); } }
      };
      var labelAxis = {
        stacked: stacked,
        ticks: {
          autoSkip: !horizontal,
          // long labels (gap titles, HS descriptions) are cut on the chart; the table has them whole
          callback: function (v) {
            var label = String(this.getLabelForValue(v));
            var max = horizontal ? 28 : 16;
            return label.length > max ? label.slice(0, max - 1) + "…" : label;
          }
        }
      };
      options.scales = horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis };
    }
    return { type: type, data: { labels: spec.labels, datasets: datasets(spec) }, options: options };
  }

  function draw(figure) {
    if (figure.dataset.drawn) { return; }
    var source = document.getElementById(figure.dataset.chart);
    var canvas = figure.querySelector("canvas");
    if (!source || !canvas) { return; }
    var spec;
    try {
      spec = JSON.parse(source.textContent);
    } catch (e) {
      return;
    }
    if (spec.kind === "horizontal_bar") {
      // room for every label: about two lines of text per bar (CSSOM, which the CSP allows)
      canvas.parentNode.style.height = Math.max(8, 2.25 * spec.labels.length + 3) + "rem";
    }
    figure.dataset.drawn = "1";
    new window.Chart(canvas, config(spec));
  }

  function drawAll(root) {
    if (!window.Chart) { return; }
    Array.prototype.forEach.call((root || document).querySelectorAll("figure[data-chart]"), draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  // pages that swap parts in with htmx get their new charts drawn too
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
})();
