// Follows a background job (an upload's import, an export's build): polls the JSON at
// data-status-url while data-status is one of data-active-statuses, fills [data-field] elements,
// and reloads the page when the job ends (or is gone: 410).
(function () {
  "use strict";
  const section = document.querySelector("[data-status-url][data-active-statuses]");
  if (!section) return;
  const activeStatuses = section.dataset.activeStatuses.split(" ");
  const active = (status) => activeStatuses.includes(status);
  if (!active(section.dataset.status)) return;

  function show(data) {
    section.querySelectorAll("[data-field]").forEach((el) => {
      const key = el.dataset.field;
      if (key === "progress") el.value = data.progress;
      else if (key === "progress_text") el.textContent = data.progress + "%";
      else if (key in data) el.textContent = data[key];
    });
  }

  async function poll() {
    try {
      const response = await fetch(section.dataset.statusUrl, { credentials: "same-origin" });
      if (response.status === 410) {
        window.location.reload();
        return;
      }
      if (response.ok) {
        const data = await response.json();
        show(data);
        if (!active(data.status)) {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // A dropped request is retried on the next tick.
    }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 500);
})();
