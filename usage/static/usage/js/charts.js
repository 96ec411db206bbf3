// Draws every <canvas data-chart-url="..."> as a Chart.js chart from the JSON that
// usage/charts.py serves ({labels, datasets: [{label, data}], timezone, suppressed, marker, x_title,
// y_title, granularity, detail_url, detail_days, notes, milestones, baseline, compare_labels}): a line chart, or bars
// with data-chart-type="bar". Null values are gaps, never zeros; a suppressed group (fewer people
// than the minimum group size) gets a message instead of a chart. Colours follow the admin's
// light/dark theme. Marks the canvas data-chart-ready="true" when done.
//
// Line charts whose labels are days:
// - champion notes and milestones are thin dashed vertical lines with a numbered badge above the
//   plot, listed in full in the <ol class="chart-markers"> under the chart. Badges too close to fit
//   side by side merge into one ("3–5"), so no two ever overlap; the legend sits below the chart, so
//   no badge meets it either. The badges' boxes are in canvas.dataset.chartMarkerBoxes (tests).
// - the baseline week is shaded when the payload has "baseline": {start, end} (end defaults to start).
// - a click on a day (or week) opens payload.detail_url with ?as_of= its payload.detail_days entry.
// - daily charts (granularity "day") offer a trailing 7-day average (the checkbox
//   data-chart-average-for="<canvas id>"), computed here from the drawn days.
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
  const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
  const DAY_MS = 24 * 60 * 60 * 1000;
  const AVERAGE_DAYS = 7;
  const BADGE = { height: 16, gap: 4, strip: 22 }; // px; the strip above the plot holds the badges

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
      loud: read("--body-fg", "#333"),
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

  function daysOf(payload) {
    const labels = payload.labels || [];
    return labels.length > 0 && labels.every((label) => ISO_DAY.test(label));
  }

  function clickable(payload) {
    return Boolean(payload.detail_url) && (payload.detail_days || []).length === payload.labels.length;
  }

  function axisTitle(text, colors) {
    return { display: Boolean(text), text: text || "", color: colors.text, font: { size: 12 } };
  }

  // "1–5 conversations" shows as "1–5": the axis title names the unit, the tooltip keeps it all.
  function barLabel(value) {
    return String(this.getLabelForValue(value)).split(" ")[0];
  }

  function options(entry, colors) {
    const { payload, type } = entry;
    const marks = type === "line" ? marksOf(payload) : [];
    const unit = payload.granularity === "week" ? "week" : "day";
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      font: { family: colors.font },
      layout: { padding: { top: marks.length ? BADGE.strip : 0 } },
      scales: {
        x: {
          type: "category",
          title: axisTitle(payload.x_title, colors),
          ticks:
            type === "bar"
              ? { color: colors.text, autoSkip: false, maxRotation: 0, callback: barLabel }
              : { color: colors.text, autoSkip: true, autoSkipPadding: 16, maxTicksLimit: 12, maxRotation: 0 },
          grid: { display: false },
          border: { color: colors.grid },
        },
        y: {
          beginAtZero: true,
          title: axisTitle(payload.y_title, colors),
          ticks: { color: colors.text, precision: 0 },
          grid: { color: colors.grid },
          border: { display: false },
        },
      },
      onClick: (event, elements, chart) => openDetail(entry, event, chart),
      onHover: (event, elements, chart) => {
        chart.canvas.classList.toggle("chart-clickable", clickable(payload) && inPlot(chart, event));
      },
      plugins: {
        rolloutMarkers: {
          note: colors.text,
          milestone: colors.line,
          badgeText: colors.background,
          shade: withAlpha(colors.line, 0.08),
          font: colors.font,
        },
        // Below the chart: the strip above the plot is the markers' alone.
        legend: {
          display: payload.datasets.length + (entry.average ? 1 : 0) > 1,
          position: "bottom",
          labels: { color: colors.text },
        },
        tooltip: {
          callbacks: {
            title: (items) =>
              items.length ? items[0].label + (type === "line" ? " (" + payload.timezone + ")" : "") : "",
            // The previous period's point names its own day: it is aligned by index, not by date.
            label: (item) =>
              item.dataset.label +
              (item.dataset.compare ? " (" + payload.compare_labels[item.dataIndex] + ")" : "") +
              ": " +
              (item.dataset.average ? item.parsed.y.toFixed(1) : item.formattedValue),
            footer: () => (clickable(payload) ? "Click to open this " + unit + "'s figures" : ""),
          },
        },
      },
    };
  }

  function datasets(entry, colors) {
    const { payload, type } = entry;
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
    const average = entry.average;
    // The first series is the filled line; further ones (seats beside active users) are dashed.
    // With the 7-day average on, the daily values stay as a faint line under the average.
    const drawn = payload.datasets.map((dataset, i) => ({
      label: average && i === 0 ? "Each day" : dataset.label,
      data: dataset.data,
      compare: i === 1 && (payload.compare_labels || []).length > 0,
      borderColor: i === 0 ? withAlpha(colors.line, average ? 0.35 : 1) : withAlpha(colors.line, 0.55),
      backgroundColor: colors.fill,
      borderDash: i === 0 ? [] : [6, 4],
      pointBackgroundColor: withAlpha(colors.line, average && i === 0 ? 0.35 : 1),
      pointBorderColor: colors.background,
      pointRadius: many || average ? 0 : 3,
      pointHoverRadius: 5,
      borderWidth: average && i === 0 ? 1.5 : 2,
      tension: 0.25,
      fill: i === 0 && !average,
      spanGaps: false,
    }));
    if (average) {
      drawn.unshift({
        label: AVERAGE_DAYS + "-day average",
        average: true,
        data: trailingAverage(payload.labels, payload.datasets[0].data),
        borderColor: colors.line,
        backgroundColor: colors.fill,
        pointRadius: 0,
        pointHoverRadius: 4,
        pointBackgroundColor: colors.line,
        borderWidth: 2.5,
        tension: 0.25,
        fill: true,
        spanGaps: false,
      });
    }
    return drawn;
  }

  function dayNumber(iso) {
    const [y, m, d] = iso.split("-").map(Number);
    return Date.UTC(y, m - 1, d) / DAY_MS;
  }

  // The mean of each day and the six before it. A day between the first and last label that the
  // payload leaves out had nothing (Claude Code charts list only dates with a record) and counts as
  // zero; a null (a hidden value) or a window reaching before the first label gives a gap.
  function trailingAverage(labels, values) {
    const byDay = new Map(labels.map((label, i) => [dayNumber(label), values[i]]));
    const first = dayNumber(labels[0]);
    return labels.map((label) => {
      const day = dayNumber(label);
      if (day - (AVERAGE_DAYS - 1) < first) return null;
      let sum = 0;
      for (let back = 0; back < AVERAGE_DAYS; back++) {
        const value = byDay.has(day - back) ? byDay.get(day - back) : 0;
        if (value === null || value === undefined) return null;
        sum += value;
      }
      return sum / AVERAGE_DAYS;
    });
  }

  // The notes and milestones of a payload whose labels are days, each with its label index and its
  // number (in date order, as the list under the chart numbers them).
  function marksOf(payload) {
    if (!daysOf(payload)) return [];
    const weekly = payload.granularity === "week";
    const when = (mark) => (mark.day && mark.day !== mark.date ? mark.day + " (week of " + mark.date + ")" : mark.date);
    const notes = (payload.notes || []).map((note) => ({
      date: note.date,
      day: note.day || note.date,
      kind: "Note",
      text: note.text + (note.team ? " (" + note.team + ")" : ""),
      when: weekly ? when(note) : note.date,
    }));
    const milestones = (payload.milestones || []).map((milestone) => ({
      date: milestone.date,
      day: milestone.day || milestone.date,
      kind: "Milestone",
      text: milestone.label + (milestone.baseline ? " (baseline week)" : ""),
      when: weekly ? when(milestone) : milestone.date,
    }));
    return milestones
      .concat(notes)
      // A date the labels leave out (a Claude Code date with no record) is drawn on the next label.
      .map((mark) => Object.assign(mark, { index: payload.labels.findIndex((label) => label >= mark.date) }))
      .filter((mark) => mark.index >= 0)
      .sort((a, b) => a.index - b.index || (a.when < b.when ? -1 : a.when > b.when ? 1 : 0))
      .map((mark, i) => Object.assign(mark, { number: i + 1, full: mark.when + ": " + mark.text }));
  }

  // The label indexes [first, last] of the baseline week within the chart, or null.
  function baselineOf(payload) {
    const labels = payload.labels || [];
    const week = payload.baseline;
    if (!week || !week.start || !daysOf(payload)) return null;
    const end = week.end || week.start; // weekly charts: one label, the week's Monday
    const first = labels.findIndex((label) => label >= week.start);
    const last = labels.length - 1 - labels.slice().reverse().findIndex((label) => label <= end);
    return first >= 0 && last < labels.length && first <= last ? [first, last] : null;
  }

  // Badges for the marks, left to right, none overlapping: a mark whose badge would touch the one
  // before joins it, and the merged badge is placed again (and may join the one before it in turn).
  function badgesOf(marks, chart, ctx) {
    const { chartArea, scales } = chart;
    const badges = [];
    const place = (badge) => {
      const first = badge.marks[0].number;
      const last = badge.marks[badge.marks.length - 1].number;
      badge.text = first === last ? String(first) : last === first + 1 ? first + "," + last : first + "\u2013" + last;
      badge.width = Math.ceil(ctx.measureText(badge.text).width) + 10;
      const center = badge.marks.reduce((sum, mark) => sum + mark.x, 0) / badge.marks.length;
      badge.left = Math.min(Math.max(center - badge.width / 2, chartArea.left), chartArea.right - badge.width);
      badge.right = badge.left + badge.width;
    };
    marks.forEach((mark) => {
      mark.x = Math.round(scales.x.getPixelForValue(mark.index)) + 0.5;
      let badge = { marks: [mark] };
      place(badge);
      while (badges.length && badge.left < badges[badges.length - 1].right + BADGE.gap) {
        const before = badges.pop();
        badge = { marks: before.marks.concat(badge.marks) };
        place(badge);
      }
      badges.push(badge);
    });
    const top = chartArea.top - BADGE.strip + 2;
    badges.forEach((badge) => Object.assign(badge, { top: top, bottom: top + BADGE.height }));
    return badges;
  }

  // A Chart.js plugin (one per chart) drawing the payload's markers; colours come from
  // options.plugins.rolloutMarkers, so the theme switch recolours them with the rest.
  function markerPlugin(payload) {
    const marks = marksOf(payload);
    const baseline = baselineOf(payload);
    let badges = [];
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
        if (!marks.length) return;
        const { ctx, chartArea } = chart;
        ctx.save();
        ctx.font = "bold 10px " + opts.font;
        badges = badgesOf(marks, chart, ctx);
        ctx.textBaseline = "middle";
        ctx.textAlign = "center";
        ctx.lineWidth = 1;
        badges.forEach((badge) => {
          const milestone = badge.marks.some((mark) => mark.kind === "Milestone");
          const color = milestone ? opts.milestone : opts.note;
          badge.marks.forEach((mark) => {
            ctx.strokeStyle = mark.kind === "Milestone" ? opts.milestone : opts.note;
            ctx.setLineDash(mark.kind === "Milestone" ? [6, 3] : [2, 3]);
            ctx.beginPath();
            ctx.moveTo(mark.x, badge.bottom);
            ctx.lineTo(mark.x, chartArea.bottom);
            ctx.stroke();
          });
          ctx.setLineDash([]);
          ctx.fillStyle = color;
          ctx.beginPath();
          ctx.roundRect(badge.left, badge.top, badge.width, BADGE.height, 4);
          ctx.fill();
          ctx.fillStyle = opts.badgeText;
          ctx.fillText(badge.text, badge.left + badge.width / 2, badge.top + BADGE.height / 2 + 0.5);
        });
        ctx.restore();
        chart.canvas.dataset.chartMarkers = String(marks.length);
        chart.canvas.dataset.chartMarkerBoxes = JSON.stringify(
          badges.map((badge) => ({ text: badge.text, left: badge.left, right: badge.right, top: badge.top, bottom: badge.bottom }))
        );
      },
      afterEvent(chart, args) {
        const event = args.event;
        if (!badges.length || (event.type !== "mousemove" && event.type !== "mouseout")) return;
        const near =
          event.type === "mousemove"
            ? badges.flatMap((badge) =>
                event.y >= badge.top && event.y <= badge.bottom && event.x >= badge.left && event.x <= badge.right
                  ? badge.marks
                  : badge.marks.filter((mark) => Math.abs(mark.x - event.x) <= 3 && event.y > badge.bottom)
              )
            : [];
        const title = near.map((mark) => mark.full).join("\n");
        if (chart.canvas.title !== title) chart.canvas.title = title;
      },
    };
  }

  // The numbered list of the markers under the chart (made here when the page has no <ol>).
  function listMarks(canvas, payload) {
    const marks = marksOf(payload);
    const panel = canvas.closest(".chart-panel") || canvas.parentElement.parentElement;
    let list = panel.querySelector("ol.chart-markers");
    if (!marks.length) {
      if (list) list.hidden = true;
      return;
    }
    if (!list) {
      list = document.createElement("ol");
      list.className = "chart-markers";
      list.setAttribute("aria-label", "Notes and milestones on this chart");
      canvas.parentElement.after(list);
    }
    list.replaceChildren(
      ...marks.map((mark) => {
        const item = document.createElement("li");
        item.value = mark.number;
        item.className = "chart-marker chart-marker-" + mark.kind.toLowerCase();
        const when = document.createElement("time");
        when.dateTime = mark.day;
        when.textContent = mark.when;
        const kind = document.createElement("span");
        kind.className = "chart-marker-kind";
        kind.textContent = mark.kind;
        let date = when;
        if (clickable(payload)) {
          // The day's figures, as a click on the chart opens them, for keyboards too.
          date = document.createElement("a");
          date.href = detailHref(payload, mark.day);
          date.append(when);
        }
        item.append(date, " ", kind, " ", mark.text);
        return item;
      })
    );
    list.hidden = false;
  }

  function inPlot(chart, event) {
    const area = chart.chartArea;
    return event.x >= area.left && event.x <= area.right && event.y >= area.top && event.y <= area.bottom;
  }

  function openDetail(entry, event, chart) {
    const payload = entry.payload;
    if (!clickable(payload) || !inPlot(chart, event)) return;
    const points = chart.getElementsAtEventForMode(event, "index", { intersect: false }, false);
    if (!points.length) return;
    window.location.assign(detailHref(payload, payload.detail_days[points[0].index]));
  }

  function detailHref(payload, day) {
    const url = new URL(payload.detail_url, window.location.href);
    url.searchParams.set("as_of", day);
    return url.pathname + url.search;
  }

  // The 7-day average checkbox of a daily line chart with at least a week of days.
  function wireAverage(entry) {
    const { canvas, payload, type } = entry;
    const box = document.querySelector(`input[data-chart-average-for="${CSS.escape(canvas.id)}"]`);
    if (!box || type !== "line" || payload.granularity !== "day" || payload.labels.length < AVERAGE_DAYS) return;
    box.closest("label").hidden = false;
    entry.average = box.checked;
    box.addEventListener("change", () => {
      entry.average = box.checked;
      redraw(entry);
    });
    if (entry.average) redraw(entry);
  }

  function redraw(entry) {
    const colors = palette(entry.canvas);
    entry.chart.data.datasets = datasets(entry, colors);
    entry.chart.options = options(entry, colors);
    entry.chart.update("none");
    entry.canvas.dataset.chartAverage = String(Boolean(entry.average));
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
    const entry = { canvas: canvas, payload: payload, type: type, average: false, chart: null };
    const colors = palette(canvas);
    entry.chart = new window.Chart(canvas, {
      type: type,
      data: { labels: payload.labels, datasets: datasets(entry, colors) },
      options: options(entry, colors),
      plugins: type === "line" ? [markerPlugin(payload)] : [],
    });
    charts.push(entry);
    if (type === "line") listMarks(canvas, payload);
    wireAverage(entry);
    canvas.dataset.chartReady = "true";
  }

  // The admin's theme toggle sets <html data-theme>; the OS may switch dark mode too.
  function recolor() {
    charts.forEach(redraw);
  }
  new MutationObserver(recolor).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  if (window.matchMedia) window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", recolor);

  document.querySelectorAll("canvas[data-chart-url]").forEach(draw);
})();
