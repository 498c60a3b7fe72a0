// The focal point of an image in the image bank: a click on the image fills the two
// percentage fields and a marker shows where the point is. The fields stay the way to
// set it from the keyboard, and without JavaScript.
(() => {
  "use strict";

  // Admin scripts load in the head, before the form exists.
  document.addEventListener("DOMContentLoaded", () => {
    for (const picker of document.querySelectorAll("[data-focal-point]")) {
    const image = picker.querySelector("img");
    const marker = picker.querySelector(".focal-point__marker");
    const across = document.getElementById(picker.dataset.inputX);
    const down = document.getElementById(picker.dataset.inputY);
    if (!image || !marker || !across || !down) continue;

    const show = () => {
      const x = Number.parseFloat(across.value);
      const y = Number.parseFloat(down.value);
      const placed = Number.isFinite(x) && Number.isFinite(y);
      marker.hidden = !placed;
      if (placed) {
        marker.style.left = `${Math.min(Math.max(x, 0), 100)}%`;
        marker.style.top = `${Math.min(Math.max(y, 0), 100)}%`;
      }
    };

    image.addEventListener("click", (event) => {
      const box = image.getBoundingClientRect();
      across.value = Math.round(((event.clientX - box.left) / box.width) * 100);
      down.value = Math.round(((event.clientY - box.top) / box.height) * 100);
      // The unsaved-changes warning listens for input.
      across.dispatchEvent(new Event("input", { bubbles: true }));
      down.dispatchEvent(new Event("input", { bubbles: true }));
      show();
    });
    across.addEventListener("input", show);
    down.addEventListener("input", show);
    show();
    }
  });
})();
