// Keeps what the open article form holds on the server while the editor types: every
// data-seconds seconds, if the form changed since it was last sent, its fields (files
// left out) go to the address in data-url, replacing what was kept before. After a
// crash, a closed tab or a logout, the form offers the kept fields back. Without
// JavaScript nothing is kept and nothing else changes.
(() => {
  "use strict";

  const script = document.currentScript;
  const seconds = Number(script.dataset.seconds) || 60;
  const newFormUrl = new URL(script.dataset.url, window.location.href);

  // Where this form is kept: "…/ny/" for a new article, "…/<number>/" for a saved one.
  function keepUrl() {
    const path = window.location.pathname;
    const saved = path.match(/\/(\d+)\/change\/$/);
    if (saved) return new URL(`../${saved[1]}/`, newFormUrl);
    if (/\/add\/$/.test(path)) return newFormUrl;
    return null;
  }

  // What the form would send, as a submit would send it: the two-box category selector
  // sends every option of its chosen box.
  function formFields(form) {
    const fields = new URLSearchParams();
    for (const element of form.elements) {
      const name = element.name;
      if (!name || element.disabled || name === "csrfmiddlewaretoken") continue;
      if (name.endsWith("_old")) continue;
      if (["submit", "button", "reset", "file"].includes(element.type)) continue;
      if (element.type === "checkbox" || element.type === "radio") {
        if (element.checked) fields.append(name, element.value);
      } else if (element.tagName === "SELECT") {
        const chosenBox = element.classList.contains("filtered") && element.id.endsWith("_to");
        const options = chosenBox ? element.options : element.selectedOptions;
        for (const option of options) fields.append(name, option.value);
      } else {
        fields.append(name, element.value);
      }
    }
    return fields;
  }

  function watch(form, url) {
    const token = form.querySelector('input[name="csrfmiddlewaretoken"]');
    if (!token) return;
    // A form shown again with errors holds what the last save did not keep: keep it.
    let lastSent =
      document.querySelector(".errornote") === null ? formFields(form).toString() : null;
    let submitting = false;
    form.addEventListener("submit", () => {
      submitting = true;
    });
    window.addEventListener("pageshow", () => {
      submitting = false;
    });

    window.setInterval(async () => {
      if (submitting) return;
      const body = formFields(form).toString();
      if (body === lastSent) return;
      try {
        const response = await fetch(url, {
          method: "POST",
          body: new URLSearchParams(body),
          headers: { "X-CSRFToken": token.value },
          credentials: "same-origin",
        });
        // Logged out or refused: try again next time, the form itself is untouched.
        if (response.status === 204) lastSent = body;
      } catch {
        // Offline: the next round sends it.
      }
    }, seconds * 1000);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.querySelector('#content-main form[id$="_form"][method="post"]');
    const url = keepUrl();
    if (form && url) watch(form, url);
  });
})();
