// Draws every <canvas data-chart-url="..."> as a Chart.js line chart from the JSON that
// analytics/charts.py serves ({labels: [ISO dates], datasets: [{label, data}], timezone}).
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

  function options(colors, payload) {
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
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items) => (items.length ? items[0].label + " (" + payload.timezone + ")" : ""),
          },
        },
      },
    };
  }

  function datasets(colors, payload) {
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
    if (!payload.labels || payload.labels.length === 0) {
      showMessage(canvas, "No data yet");
      canvas.dataset.chartEmpty = "true";
      canvas.dataset.chartReady = "true";
      return;
    }
    const colors = palette(canvas);
    const chart = new window.Chart(canvas, {
      type: "line",
      data: { labels: payload.labels, datasets: datasets(colors, payload) },
      options: options(colors, payload),
    });
    charts.push({ canvas: canvas, chart: chart, payload: payload });
    canvas.dataset.chartReady = "true";
  }

  // The admin's theme toggle sets <html data-theme>; the OS may switch dark mode too.
  function recolor() {
    charts.forEach(({ canvas, chart, payload }) => {
      const colors = palette(canvas);
      chart.data.datasets = datasets(colors, payload).map((dataset, i) =>
        Object.assign(dataset, { data: chart.data.datasets[i].data })
      );
      chart.options = options(colors, payload);
      chart.update("none");
    });
  }
  new MutationObserver(recolor).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  if (window.matchMedia) window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", recolor);

  document.querySelectorAll("canvas[data-chart-url]").forEach(draw);
})();
