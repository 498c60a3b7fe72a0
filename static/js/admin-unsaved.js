// Asks before leaving an admin change form with unsaved changes (a link, reload, closing
// the tab); saving leaves without asking. Changes are found by comparing what the form
// would send with what it held when the page loaded, so typing a word and deleting it
// again counts as no change. The rich-text editor writes its HTML into the form's
// textarea as the editor types, so it is compared like any field.
(() => {
  "use strict";

  // What the form would send, by field name, independent of the widgets' set-up: the
  // two-box category selector moves options between boxes after load.
  function formState(form) {
    const fields = [];
    for (const element of form.elements) {
      const name = element.name;
      if (!name || element.disabled || name === "csrfmiddlewaretoken") continue;
      // The selector's box of options not chosen; the chosen box sends them all on submit.
      if (name.endsWith("_old")) continue;
      let values;
      if (element.type === "submit" || element.type === "button" || element.type === "reset") {
        continue;
      } else if (element.type === "checkbox" || element.type === "radio") {
        values = element.checked ? [element.value] : [];
      } else if (element.type === "file") {
        values = Array.from(element.files, (file) => `${file.name}:${file.size}`);
      } else if (element.tagName === "SELECT") {
        const chosenBox = element.classList.contains("filtered") && element.id.endsWith("_to");
        const options = chosenBox ? element.options : element.selectedOptions;
        values = Array.from(options, (option) => option.value).sort();
      } else {
        values = [element.value];
      }
      for (const value of values) fields.push(`${name}=${value}`);
    }
    return fields.sort().join("\n");
  }

  function watch(form) {
    // A form shown again with errors holds what the last save did not keep.
    const refused = document.querySelector(".errornote") !== null;
    const initial = formState(form);
    let submitting = false;

    form.addEventListener("submit", () => {
      submitting = true;
    });
    // Back from the browser's cache after a submit that did not leave (or a cancelled
    // leave): watch again.
    window.addEventListener("pageshow", () => {
      submitting = false;
    });
    window.addEventListener("beforeunload", (event) => {
      if (submitting || (!refused && formState(form) === initial)) return;
      event.preventDefault();
      // Older browsers ask only when returnValue is set; they show their own text.
      event.returnValue = "";
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    // The admin's add and change forms are named after their model (article_form); the
    // list's form is "changelist-form".
    const form = document.querySelector('#content-main form[id$="_form"][method="post"]');
    if (form) watch(form);
  });
})();
