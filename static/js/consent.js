// Progressive enhancement of the consent forms: save without a reload, announce the
// result to screen readers and start the scripts the visitor has just allowed.
// Without JavaScript the same forms post and redirect back.

const announcer = document.getElementById("consent-status");
const nonce = document.currentScript?.nonce || document.querySelector("script[nonce]")?.nonce;

function startScripts(scripts) {
  for (const { src, code } of scripts) {
    const script = document.createElement("script");
    script.nonce = nonce;
    if (src) {
      script.src = src;
      script.async = true;
    } else {
      script.textContent = code;
    }
    document.body.append(script);
  }
}

async function save(form, submitter) {
  const response = await fetch(form.action, {
    method: "POST",
    body: new FormData(form, submitter),
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-consent-form]");
  if (!form) return;
  event.preventDefault();
  let result;
  try {
    result = await save(form, event.submitter);
  } catch {
    // Fall back to the plain form post, which always works.
    form.removeAttribute("data-consent-form");
    form.requestSubmit(event.submitter);
    return;
  }
  if (result.reload) {
    window.location.reload();
    return;
  }
  // Any choice, the settings page's too, answers the banner on this page.
  const banner = document.querySelector("[data-consent-banner]");
  if (banner) {
    const fromBanner = banner.contains(form);
    banner.remove();
    if (fromBanner) document.getElementById("innehall")?.focus();
  }
  const receipt = document.querySelector("[data-consent-receipt]");
  if (receipt) receipt.innerHTML = result.receipt;
  if (announcer) announcer.textContent = result.message;
  startScripts(result.scripts);
});
