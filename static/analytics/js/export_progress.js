// Polls an export's status while it is queued or running, and reloads the page when it ends.
(function () {
  "use strict";
  const section = document.getElementById("export-status");
  if (!section) return;
  const active = (status) => status === "queued" || status === "running";
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
