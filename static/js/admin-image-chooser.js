// The image chooser of the article form: a modal dialog that shows the image bank's
// chooser pages (news/chooser.py) as the server renders them, so that searching,
// uploading and their Swedish errors are ordinary Django forms. The body editor's image
// button (admin-image-chooser-button.js) and the "Välj bild" button beside the hero field
// open it. Without JavaScript the hero field stays Django's raw id field with its lookup.
(() => {
  "use strict";

  const script = document.currentScript;
  const chooserUrl = new URL(script.dataset.url, window.location.href);
  const texts = {
    heroLabel: script.dataset.heroLabel,
    error: script.dataset.error,
    close: script.dataset.close,
  };

  const TABBABLE =
    'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), ' +
    'select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

  let dialog = null;
  let settle = null;

  function createDialog() {
    const element = document.createElement("dialog");
    element.className = "image-chooser";
    // The heading of each step names the dialog.
    element.setAttribute("aria-labelledby", "image-chooser-title");
    // Outside the article's form: the chooser's own forms must not nest in it.
    document.body.append(element);

    element.addEventListener("close", () => {
      // Escape, the close button and a choice all end here.
      const done = settle;
      settle = null;
      element.replaceChildren();
      if (done) done(null);
    });

    element.addEventListener("click", (event) => {
      if (event.target.closest("[data-chooser-close]")) {
        element.close();
        return;
      }
      const link = event.target.closest("a[data-chooser-load]");
      if (link) {
        event.preventDefault();
        load(link.href);
      }
    });

    // A modal dialog keeps the page behind it inert, but Tab from its last control goes
    // on to the browser's own toolbar; it wraps round inside the dialog instead.
    element.addEventListener("keydown", (event) => {
      if (event.key !== "Tab") return;
      const tabbable = Array.from(element.querySelectorAll(TABBABLE)).filter(
        (control) => control.getClientRects().length > 0,
      );
      if (!tabbable.length) return;
      const first = tabbable[0];
      const last = tabbable[tabbable.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    });

    element.addEventListener("submit", (event) => {
      const form = event.target;
      if (form.matches("[data-chooser-insert]")) {
        event.preventDefault();
        choose(form);
      } else if (form.matches("[data-chooser-form]")) {
        event.preventDefault();
        send(form, event.submitter);
      }
    });
    return element;
  }

  async function show(response) {
    // 400 is an upload with errors: the chooser again, errors beside their fields.
    if (!response.ok && response.status !== 400) throw new Error(String(response.status));
    // A session that ended answers with the login page: not something to show here.
    if (response.redirected) throw new Error("redirected");
    const html = await response.text();
    const template = document.createElement("template");
    template.innerHTML = html;
    dialog.replaceChildren(template.content);
    const target =
      dialog.querySelector("[data-chooser-focus-error]") ||
      dialog.querySelector("[data-chooser-focus]");
    if (target) target.focus();
  }

  function failed() {
    const message = document.createElement("p");
    message.className = "errornote";
    message.setAttribute("role", "alert");
    message.textContent = texts.error;
    if (dialog.querySelector("#image-chooser-title")) {
      dialog.prepend(message);
      return;
    }
    // The first step did not load: the dialog still gets its name and a way out, as the
    // chooser's own header (_image_chooser_header.html) gives them.
    const header = document.createElement("div");
    header.className = "image-chooser__header";
    const title = document.createElement("h2");
    title.id = "image-chooser-title";
    title.tabIndex = -1;
    title.textContent = texts.heroLabel;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "button image-chooser__close";
    close.dataset.chooserClose = "";
    close.textContent = texts.close;
    header.append(title, close);
    dialog.replaceChildren(header, message);
    title.focus();
  }

  async function load(url) {
    try {
      await show(await fetch(url, { credentials: "same-origin" }));
    } catch {
      failed();
    }
  }

  async function send(form, submitter) {
    const method = (form.getAttribute("method") || "get").toUpperCase();
    const data = new FormData(form, submitter);
    const url = new URL(form.action);
    try {
      if (method === "GET") {
        url.search = new URLSearchParams(data).toString();
        await show(await fetch(url, { credentials: "same-origin" }));
      } else {
        if (submitter) submitter.disabled = true;
        // The CSRF token is in the form, as for any admin form.
        await show(await fetch(url, { method, body: data, credentials: "same-origin" }));
      }
    } catch {
      if (submitter) submitter.disabled = false;
      failed();
    }
  }

  function choose(form) {
    const chosen = form.closest("[data-chosen]");
    const caption = form.elements.caption;
    const image = {
      id: chosen.dataset.id,
      src: chosen.dataset.src,
      alt: chosen.dataset.alt,
      width: chosen.dataset.width ? Number(chosen.dataset.width) : null,
      height: chosen.dataset.height ? Number(chosen.dataset.height) : null,
      description: chosen.dataset.description,
      caption: caption ? caption.value.trim() : "",
    };
    const done = settle;
    settle = null;
    dialog.close();
    if (done) done(image);
  }

  // Opens the chooser; the promise gives the chosen image, or null if the editor closed
  // the dialog. Focus goes back to `opener` either way.
  function open({ forHero = false, opener = null } = {}) {
    if (!dialog) dialog = createDialog();
    if (dialog.open) return Promise.resolve(null);
    const url = new URL(chooserUrl);
    if (forHero) url.searchParams.set("for", "hero");
    const result = new Promise((resolve) => {
      settle = resolve;
    });
    dialog.showModal();
    load(url);
    return result.then((image) => {
      if (opener) opener.focus();
      return image;
    });
  }

  window.addaImageChooser = { open };

  // The hero: a button beside Django's raw id field fills in the chosen image's number
  // and shows its thumbnail and description.
  function enhanceHero() {
    const input = document.getElementById("id_hero");
    if (!input) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button image-chooser-hero__button";
    button.textContent = texts.heroLabel;
    const preview = document.createElement("div");
    preview.className = "image-chooser-hero";
    // Announces the image chosen while focus returns to the button.
    preview.setAttribute("aria-live", "polite");
    const wrapper = input.parentElement;
    wrapper.after(button, preview);

    button.addEventListener("click", async () => {
      const image = await open({ forHero: true, opener: button });
      if (!image) return;
      input.value = image.id;
      // The unsaved-changes warning and autosave listen for these.
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      // Django's label of the image chosen before would now be wrong.
      const label = wrapper.querySelector("strong");
      if (label) label.remove();
      const thumbnail = document.createElement("img");
      thumbnail.src = image.src;
      thumbnail.alt = "";
      thumbnail.className = "image-chooser-hero__thumbnail";
      const description = document.createElement("span");
      description.textContent = image.description;
      preview.replaceChildren(thumbnail, description);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceHero);
  } else {
    enhanceHero();
  }
})();
