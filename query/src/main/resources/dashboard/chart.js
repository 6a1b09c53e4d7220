// A small bar chart drawn as SVG through DOM calls: bars side by side per bucket, one colour per
// series, a labelled y axis and a few x labels. Labels are set as text, never parsed as markup.
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var WIDEST = 1400;
  var LEFT = 44;
  var BOTTOM = 28;
  var TOP = 10;
  var TICKS = 4;

  function node(name, attributes, parent) {
    var element = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) {
      element.setAttribute(key, String(attributes[key]));
    });
    if (parent) {
      parent.appendChild(element);
    }
    return element;
  }

  function text(parent, x, y, anchor, content) {
    var label = node("text", {x: x, y: y, "text-anchor": anchor, "font-size": 11, fill: "#5b6676"}, parent);
    label.textContent = content;
    return label;
  }

  /** The y axis's step between its four grid lines: a whole 1, 2 or 5 times a power of ten (counts are whole). */
  function niceStep(max) {
    var rough = max / TICKS;
    if (rough <= 1) {
      return 1;
    }
    var power = Math.pow(10, Math.floor(Math.log10(rough)));
    var steps = [1, 2, 5, 10];
    for (var i = 0; i < steps.length; i++) {
      if (steps[i] * power >= rough) {
        return steps[i] * power;
      }
    }
    return 10 * power;
  }

  /**
   * @param container element whose content is replaced
   * @param data {labels: [string], series: [{name, color, values: [number]}], title: string}
   */
  function render(container, data) {
    // Drawn at the container's own width, so labels keep their size on a phone; drawn again when it changes.
    var width = Math.max(300, Math.min(WIDEST, Math.round(container.clientWidth || WIDEST)));
    var height = width < 600 ? 200 : 260;
    drawn.set(container, data);
    var svg = node("svg", {viewBox: "0 0 " + width + " " + height, role: "img"});
    var title = node("title", {}, svg);
    title.textContent = data.title;
    var plotWidth = width - LEFT - 8;
    var plotHeight = height - TOP - BOTTOM;
    var max = 0;
    data.series.forEach(function (series) {
      series.values.forEach(function (value) {
        max = Math.max(max, value);
      });
    });
    var step = niceStep(max);
    var top = step * TICKS;
    for (var tick = 0; tick <= TICKS; tick++) {
      var y = TOP + plotHeight - plotHeight * tick / TICKS;
      node("line", {x1: LEFT, x2: width - 8, y1: y, y2: y, stroke: "#d9dee6"}, svg);
      text(svg, LEFT - 6, y + 4, "end", String(step * tick));
    }
    var count = data.labels.length;
    var slot = count > 0 ? plotWidth / count : plotWidth;
    var barWidth = Math.max(1, (slot * 0.8) / Math.max(1, data.series.length));
    data.series.forEach(function (series, s) {
      series.values.forEach(function (value, i) {
        var height = plotHeight * value / top;
        var bar = node("rect", {
          x: LEFT + i * slot + slot * 0.1 + s * barWidth,
          y: TOP + plotHeight - height,
          width: barWidth,
          height: height,
          fill: series.color,
          "data-series": series.name,
          "data-value": value
        }, svg);
        var tip = node("title", {}, bar);
        tip.textContent = data.labels[i] + ": " + value + " " + series.name;
      });
    });
    // At most about eight x labels, evenly spaced, whatever the number of buckets.
    var every = Math.max(1, Math.ceil(count / (width < 600 ? 4 : 8)));
    for (var i = 0; i < count; i += every) {
      text(svg, LEFT + i * slot + slot / 2, height - 8, "middle", data.labels[i]);
    }
    container.replaceChildren(svg);
  }

  var drawn = new Map();
  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      drawn.forEach(function (data, container) {
        render(container, data);
      });
    }, 150);
  });

  window.BarChart = {render: render};
})();
