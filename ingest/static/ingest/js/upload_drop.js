// The upload form's drop zone: a real <input type=file> inside a label (it works without this
// script); this adds dropping a file onto it and shows the chosen file's name and size.
(function () {
  "use strict";
  const zone = document.getElementById("drop-zone");
  if (!zone) return;
  const input = zone.querySelector("input[type=file]");
  const chosen = document.getElementById("drop-zone-chosen");

  function size(bytes) {
    const units = ["bytes", "KB", "MB", "GB"];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit]}`;
  }

  function show() {
    const file = input.files && input.files[0];
    chosen.textContent = file ? `${file.name} (${size(file.size)})` : "No file chosen";
    zone.classList.toggle("has-file", Boolean(file));
  }

  ["dragenter", "dragover"].forEach((type) =>
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    })
  );
  ["dragleave", "dragend"].forEach((type) => zone.addEventListener(type, () => zone.classList.remove("dragging")));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      show();
    }
  });
  input.addEventListener("change", show);
  show();
})();
