// Warn two minutes before the session ends, and offer to stay signed in. Work typed
// into audit forms is also kept on this device (see autosave.js), so nothing is lost
// even if the warning is missed.

const WARN_BEFORE_SECONDS = 120;

function csrfToken() {
  const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

export function initSessionWarning() {
  const body = document.body;
  const seconds = parseInt(body.dataset.sessionSeconds || "", 10);
  const dialog = document.getElementById("session-dialog");
  if (!seconds || !dialog) return;

  let warnTimer;
  let endTimer;
  const title = dialog.querySelector("#session-dialog-title");
  const text = dialog.querySelector("#session-dialog-text");
  const stay = dialog.querySelector("[data-session-stay]");
  const signIn = dialog.querySelector("[data-session-sign-in]");

  function schedule(lifetime) {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(warn, Math.max(lifetime - WARN_BEFORE_SECONDS, 1) * 1000);
    endTimer = setTimeout(expired, lifetime * 1000);
  }

  function warn() {
    title.textContent = "You will be signed out soon";
    text.textContent =
      "For your security you will be signed out in 2 minutes. Anything you have typed is kept on this device.";
    stay.hidden = false;
    signIn.hidden = true;
    if (!dialog.open) dialog.showModal();
    stay.focus();
  }

  function expired() {
    title.textContent = "You have been signed out";
    text.textContent =
      "Your session ended. What you typed on this page is kept on this device: sign in again and it will be put back.";
    stay.hidden = true;
    signIn.hidden = false;
    if (!dialog.open) dialog.showModal();
    signIn.focus();
  }

  stay.addEventListener("click", async () => {
    try {
      const response = await fetch(body.dataset.keepAliveUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error("signed out");
      const data = await response.json();
      dialog.close();
      schedule(data.expires_in || seconds);
    } catch (error) {
      expired();
    }
  });

  schedule(seconds);
}
