// Draws every <canvas data-chart-url="..."> as a Chart.js chart from the JSON that
// usage/charts.py serves ({labels, datasets: [{label, data}], timezone, suppressed, marker}):
// a line chart, or bars with data-chart-type="bar". Null values are gaps, never zeros; a suppressed
// group (fewer people than the minimum group size) gets a message instead of a chart.
// Colours follow the admin's light/dark theme. Marks the canvas data-chart-ready="true" when done.
// Line charts whose labels are days also show the payload's champion notes and milestones as thin
// dashed vertical lines labelled at the top (hover one for its full text), and shade the baseline
// week when the payload has "baseline": {start, end} (end defaults to start: one label).
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    document.querySelectorAll("canvas[data-chart-url]").forEach(function (canvas) {
      showMessage(canvas, "Charts could not be loaded (Chart.js is missing; run make setup).");
      canvas.dataset.chartError = "true";
    });
    return;
  }

  const charts = [];

  function showMessage(canvas, text) {
    const message = canvas.parentElement.querySelector(".chart-message");
    if (message) {
      message.textContent = text;
      message.hidden = false;
    }
    canvas.hidden = true;
  }

  // Theme colours, resolved by the browser from the admin's CSS variables (see portal.css).
  function palette(canvas) {
    const style = window.getComputedStyle(canvas);
    const read = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
    const probe = document.createElement("span");
    probe.className = "chart-probe";
    canvas.parentElement.appendChild(probe);
    const line = window.getComputedStyle(probe).color;
    const fill = window.getComputedStyle(probe).backgroundColor;
    probe.remove();
    return {
      line: line,
      fill: fill,
      text: read("--body-quiet-color", "#666"),
      grid: read("--hairline-color", "#e8e8e8"),
      background: read("--body-bg", "#fff"),
      font: read("--font-family-primary", "sans-serif"),
    };
  }

  // "rgb(r, g, b)" or "rgba(r, g, b, a)" with a new alpha.
  function withAlpha(color, alpha) {
    const parts = color.match(/[\d.]+/g);
    return parts && parts.length >= 3 ? `rgba(${parts[0]}, ${parts[1]}, ${parts[2]}, ${alpha})` : color;
  }

  function options(colors, payload, type) {
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      font: { family: colors.font },
      // Room above the plot for the first row of marker labels.
      layout: { padding: { top: type === "line" && marksOf(payload).length ? 14 : 0 } },
      scales: {
        x: {
          type: "category",
          ticks: { color: colors.text, autoSkip: true, maxTicksLimit: 12, maxRotation: 0 },
          grid: { display: false },
          border: { color: colors.grid },
        },
        y: {
          beginAtZero: true,
          ticks: { color: colors.text, precision: 0 },
          grid: { color: colors.grid },
          border: { display: false },
        },
      },
      plugins: {
        rolloutMarkers: {
          note: colors.text,
          milestone: colors.line,
          shade: withAlpha(colors.line, 0.08),
          font: colors.font,
        },
        legend: { display: payload.datasets.length > 1, labels: { color: colors.text } },
        tooltip: {
          callbacks: {
            title: (items) =>
              items.length ? items[0].label + (type === "line" ? " (" + payload.timezone + ")" : "") : "",
          },
        },
      },
    };
  }

  function datasets(colors, payload, type) {
    if (type === "bar") {
      const shades = [0.35, 0.65, 1];
      return payload.datasets.map((dataset, i) => ({
        label: dataset.label,
        data: dataset.data,
        backgroundColor: withAlpha(colors.line, shades[i % shades.length]),
        borderColor: colors.line,
        borderWidth: 1,
      }));
    }
    const many = payload.labels.length > 60;
    // The first series is the filled line; further ones (seats beside active users) are dashed.
    return payload.datasets.map((dataset, i) => ({
      label: dataset.label,
      data: dataset.data,
      borderColor: i === 0 ? colors.line : withAlpha(colors.line, 0.55),
      backgroundColor: colors.fill,
      borderDash: i === 0 ? [] : [6, 4],
      pointBackgroundColor: colors.line,
      pointBorderColor: colors.background,
      pointRadius: many ? 0 : 3,
      pointHoverRadius: 5,
      borderWidth: 2,
      tension: 0.25,
      fill: i === 0,
      spanGaps: false,
    }));
  }

  const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
  const SHORT = 18; // characters of a marker's label drawn on the chart

  // The notes and milestones of a payload whose labels are days, each with its label index.
  function marksOf(payload) {
    const labels = payload.labels || [];
    if (!labels.length || !labels.every((label) => ISO_DAY.test(label))) return [];
    const notes = (payload.notes || []).map((note) => ({
      date: note.date,
      kind: "note",
      text: note.text,
      full: note.date + ": " + note.text + (note.team ? " (" + note.team + ")" : ""),
    }));
    const milestones = (payload.milestones || []).map((milestone) => ({
      date: milestone.date,
      kind: "milestone",
      text: milestone.label,
      full: milestone.date + ": " + milestone.label + (milestone.baseline ? " (baseline week)" : ""),
    }));
    return milestones
      .concat(notes)
      .map((mark) => Object.assign(mark, { index: labels.indexOf(mark.date) }))
      .filter((mark) => mark.index >= 0);
  }

  // The label indexes [first, last] of the baseline week within the chart, or null.
  function baselineOf(payload) {
    const labels = payload.labels || [];
    const week = payload.baseline;
    if (!week || !week.start || !labels.length || !labels.every((label) => ISO_DAY.test(label))) return null;
    const end = week.end || week.start; // weekly charts: one label, the week's Monday
    const first = labels.findIndex((label) => label >= week.start);
    const last = labels.length - 1 - labels.slice().reverse().findIndex((label) => label <= end);
    return first >= 0 && last < labels.length && first <= last ? [first, last] : null;
  }

  function short(text) {
    return text.length > SHORT ? text.slice(0, SHORT - 1) + "\u2026" : text;
  }

  // A Chart.js plugin (one per chart) drawing the payload's markers; colours come from
  // options.plugins.rolloutMarkers, so the theme switch recolours them with the rest.
  function markerPlugin(payload) {
    const marks = marksOf(payload);
    const baseline = baselineOf(payload);
    let drawn = []; // [{x, full}] of the last draw, for the hover title
    return {
      id: "rolloutMarkers",
      beforeDatasetsDraw(chart, args, opts) {
        if (!baseline) return;
        const { ctx, chartArea, scales } = chart;
        const step = payload.labels.length > 1 ? scales.x.getPixelForValue(1) - scales.x.getPixelForValue(0) : 0;
        const left = Math.max(chartArea.left, scales.x.getPixelForValue(baseline[0]) - step / 2);
        const right = Math.min(chartArea.right, scales.x.getPixelForValue(baseline[1]) + step / 2);
        ctx.save();
        ctx.fillStyle = opts.shade;
        ctx.fillRect(left, chartArea.top, Math.max(right - left, 2), chartArea.bottom - chartArea.top);
        ctx.restore();
      },
      afterDatasetsDraw(chart, args, opts) {
        const { ctx, chartArea, scales } = chart;
        const rows = []; // the right edge of the last label in each row of labels
        drawn = [];
        ctx.save();
        ctx.font = "10px " + opts.font;
        ctx.textBaseline = "top";
        marks
          .slice()
          .sort((a, b) => a.index - b.index)
          .forEach((mark) => {
            const x = Math.round(scales.x.getPixelForValue(mark.index)) + 0.5;
            const color = mark.kind === "milestone" ? opts.milestone : opts.note;
            ctx.strokeStyle = color;
            ctx.lineWidth = 1;
            ctx.setLineDash(mark.kind === "milestone" ? [6, 3] : [2, 3]);
            ctx.beginPath();
            ctx.moveTo(x, chartArea.top - 12);
            ctx.lineTo(x, chartArea.bottom);
            ctx.stroke();
            const label = short(mark.text);
            const width = ctx.measureText(label).width;
            const toLeft = x + 3 + width > chartArea.right;
            const start = toLeft ? x - 3 - width : x + 3;
            let row = rows.findIndex((end) => end < start);
            if (row < 0) row = rows.push(0) - 1;
            rows[row] = start + width + 6;
            ctx.fillStyle = color;
            ctx.textAlign = "left";
            ctx.fillText(label, start, chartArea.top - 12 + row * 12);
            drawn.push({ x: x, full: mark.full });
          });
        ctx.restore();
        chart.canvas.dataset.chartMarkers = String(drawn.length);
      },
      afterEvent(chart, args) {
        const event = args.event;
        if (!drawn.length || (event.type !== "mousemove" && event.type !== "mouseout")) return;
        const near = event.type === "mousemove" ? drawn.filter((mark) => Math.abs(mark.x - event.x) <= 4) : [];
        const title = near.map((mark) => mark.full).join("\n");
        if (chart.canvas.title !== title) chart.canvas.title = title;
      },
    };
  }

  async function draw(canvas) {
    let payload;
    try {
      const response = await fetch(canvas.dataset.chartUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-Page-View": document.querySelector('meta[name="page-view"]')?.content || "" },
      });
      if (!response.ok) throw new Error("HTTP " + response.status);
      payload = await response.json();
    } catch (error) {
      showMessage(canvas, "The chart could not be loaded. Reload the page to try again.");
      canvas.dataset.chartError = "true";
      return;
    }
    if (payload.suppressed) {
      showMessage(canvas, "Hidden: this group has " + payload.marker + " (minimum group size).");
      canvas.dataset.chartSuppressed = "true";
      canvas.dataset.chartReady = "true";
      return;
    }
    if (!payload.labels || payload.labels.length === 0) {
      showMessage(canvas, "No data yet");
      canvas.dataset.chartEmpty = "true";
      canvas.dataset.chartReady = "true";
      return;
    }
    const type = canvas.dataset.chartType || "line";
    const colors = palette(canvas);
    const chart = new window.Chart(canvas, {
      type: type,
      data: { labels: payload.labels, datasets: datasets(colors, payload, type) },
      options: options(colors, payload, type),
      plugins: type === "line" ? [markerPlugin(payload)] : [],
    });
    charts.push({ canvas: canvas, chart: chart, payload: payload, type: type });
    canvas.dataset.chartReady = "true";
  }

  // The admin's theme toggle sets <html data-theme>; the OS may switch dark mode too.
  function recolor() {
    charts.forEach(({ canvas, chart, payload, type }) => {
      const colors = palette(canvas);
      chart.data.datasets = datasets(colors, payload, type).map((dataset, i) =>
        Object.assign(dataset, { data: chart.data.datasets[i].data })
      );
      chart.options = options(colors, payload, type);
      chart.update("none");
    });
  }
  new MutationObserver(recolor).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  if (window.matchMedia) window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", recolor);

  document.querySelectorAll("canvas[data-chart-url]").forEach(draw);
})();
