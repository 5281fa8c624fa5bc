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

  var MANY_LABELS = 6;  // more bars than this turn sideways on a narrow screen
  var MANY_BARS = 20;
  var LONG_LABEL = 10;  // characters, on average
  var NARROW_PX = 600;

  // Too many bars, or labels too long, to stand side by side on a phone.
  function crowded(spec) {
    if (spec.labels.length <= MANY_LABELS) { return false; }
    var chars = spec.labels.reduce(function (sum, label) { return sum + String(label).length; }, 0);
    return spec.labels.length * spec.series.length > MANY_BARS || chars / spec.labels.length > LONG_LABEL;
  }

  // A long label on up to two lines, cut with an ellipsis; the table holds it whole.
  function wrap(label, width) {
    var words = String(label).split(/\s+/);
    var lines = [""];
    words.forEach(function (word) {
      var line = lines[lines.length - 1];
      if (!line || (line + " " + word).length <= width) {
        lines[lines.length - 1] = line ? line + " " + word : word;
      } else {
        lines.push(word);
      }
    });
    lines = lines.map(function (line) { return line.length > width ? line.slice(0, width - 1) + "…" : line; });
    if (lines.length > 2) { lines = [lines[0], lines[1].slice(0, width - 1) + "…"]; }
    return lines.length === 1 ? lines[0] : lines;
  }

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
    var horizontal = kind === "horizontal_bar" || kind === "stacked_horizontal_bar";
    var stacked = kind === "stacked_bar" || kind === "stacked_horizontal_bar";
    var options = {
      locale: document.documentElement.lang || "id",  // ticks grouped and decimal as the page
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
      var counts = spec.series.every(function (series) {
        return series.values.every(function (v) { return v === null || Number.isInteger(v); });
      });
      var valueAxis = {
        beginAtZero: true,
        stacked: stacked,
        // counts get whole-number ticks: no "0,5 MSMEs"
        ticks: { precision: counts ? 0 : undefined }
      };
      var labelAxis = {
        stacked: stacked,
        ticks: {
          autoSkip: !horizontal,
          // long labels (gap titles, HS descriptions) are cut on the chart; the table has them whole
          callback: function (v) {
            var label = String(this.getLabelForValue(v));
            if (!horizontal) { return label.length > 16 ? label.slice(0, 15) + "…" : label; }
            // about 6.5 px a character: labels take at most 45% of the chart's width
            return wrap(label, Math.max(12, Math.floor(this.chart.width * 0.45 / 6.5)));
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
    if ((spec.kind === "bar" || spec.kind === "stacked_bar") && crowded(spec) &&
        figure.clientWidth < NARROW_PX) {
      // on a phone, many bars side by side are too thin to read: lay them along the page
      spec.kind = spec.kind === "bar" ? "horizontal_bar" : "stacked_horizontal_bar";
    }
    if (spec.kind.indexOf("horizontal") !== -1) {
      // room for every label, more for several series (CSSOM, which the CSP allows)
      var perRow = 2.2 + 0.6 * Math.max(0, spec.series.length - 1);
      canvas.parentNode.style.height = Math.max(8, perRow * spec.labels.length + 4) + "rem";
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
