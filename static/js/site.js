// A message the server marked (a refused form's error summary, a thank-you) gets
// focus, so that keyboard and screen-reader users start there. Without JavaScript
// the URL's fragment does the same for the error summary. Focus is moved after the
// page has loaded, as the browser's own scroll to the fragment would otherwise undo it.
window.addEventListener("load", () => {
  document.querySelector("[data-focus-on-load]")?.focus();
});
