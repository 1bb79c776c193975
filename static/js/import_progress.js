// Keeps a directory import's page up to date while a worker saves it, without reloading;
// when the import is done or has failed, the page is loaded again to show the result or
// "Try again". Without JavaScript a plain refresh shows the same.
const region = document.getElementById("import-status");

if (region) {
  const url = region.dataset.importStatusUrl;
  const message = region.querySelector("[data-import-message]");
  const tag = region.querySelector(".govuk-tag");
  const bar = region.querySelector("[data-import-progress]");
  for (const hint of document.querySelectorAll(".app-no-js-only")) {
    hint.textContent = "This page updates itself as the rows are saved.";
  }
  let last = region.dataset.importStatus;

  const check = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      const state = await response.json();
      if (state.status === "done" || state.status === "failed") {
        window.location.reload();
        return;
      }
      if (message && message.textContent !== state.message) message.textContent = state.message;
      if (bar && state.status === "saving" && state.total) {
        bar.max = state.total;
        bar.value = state.done;
      }
      if (tag && state.status !== last) {
        tag.textContent = state.status === "saving" ? "Saving" : "Queued";
        tag.className = "govuk-tag " + (state.status === "saving" ? "govuk-tag--blue" : "govuk-tag--grey");
      }
      last = state.status;
    } catch (error) {
      // A signed-out session or a network blip: try again a little later.
    }
    window.setTimeout(check, 1000);
  };
  window.setTimeout(check, 700);
}
