// Draws every <canvas data-chart-url="..."> as a Chart.js chart from the JSON that
// analytics/charts.py serves ({labels, datasets: [{label, data}], timezone, suppressed, marker}):
// a line chart, or bars with data-chart-type="bar". Null values are gaps, never zeros; a suppressed
// group (fewer people than the minimum group size) gets a message instead of a chart.
// Colours follow the admin's light/dark theme. Marks the canvas data-chart-ready="true" when done.
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
    return payload.datasets.map((dataset) => ({
      label: dataset.label,
      data: dataset.data,
      borderColor: colors.line,
      backgroundColor: colors.fill,
      pointBackgroundColor: colors.line,
      pointBorderColor: colors.background,
      pointRadius: many ? 0 : 3,
      pointHoverRadius: 5,
      borderWidth: 2,
      tension: 0.25,
      fill: true,
      spanGaps: false,
    }));
  }

  async function draw(canvas) {
    let payload;
    try {
      const response = await fetch(canvas.dataset.chartUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
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
