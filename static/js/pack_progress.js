// Keeps a board pack's page, or an audit PDF's, up to date while the file is made, without
// reloading it; when it is ready or has failed, the page is loaded again to offer the
// download or "Try again".
// Without JavaScript a plain refresh shows the same.
const region = document.getElementById("pack-status");

if (region) {
  const url = region.dataset.packStatusUrl;
  const message = region.querySelector("[data-pack-message]");
  const tag = region.querySelector(".govuk-tag");
  for (const hint of document.querySelectorAll(".app-no-js-only")) {
    hint.textContent =
      region.dataset.packHint ||
      "This page updates itself as the pack is made. You will also get an email when it is ready.";
  }
  let last = region.dataset.packStatus;

  const check = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      const state = await response.json();
      if (state.status === "ready" || state.status === "failed" || state.status === "none") {
        window.location.reload();
        return;
      }
      if (message && message.textContent !== state.message) message.textContent = state.message;
      if (tag && state.status !== last) {
        tag.textContent = state.status === "preparing" ? "Preparing" : "Queued";
        tag.className = "govuk-tag " + (state.status === "preparing" ? "govuk-tag--blue" : "govuk-tag--grey");
      }
      last = state.status;
    } catch (error) {
      // A signed-out session or a network blip: try again a little later.
    }
    window.setTimeout(check, 1500);
  };
  window.setTimeout(check, 1000);
}
