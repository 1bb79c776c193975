// Keeps what is typed into a form marked data-autosave on this device until the server
// has it, so a timed-out session or a lost connection never loses work.
//
// Council computers are shared: a draft is stored under the signed-in person's id and
// shown only to them, every draft is removed when someone signs out, drafts of anyone
// else are removed when another person signs in on this browser, and none is kept
// longer than a week.

const PREFIX = "jpa-draft:";
const MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
const PENDING = "jpa-draft-pending";

function owner() {
  return document.body.dataset.user || "";
}

function draftKey(form) {
  return `${PREFIX}${owner()}:${form.dataset.autosave}`;
}

function storedDraft(key) {
  try {
    const draft = JSON.parse(localStorage.getItem(key) || "null");
    if (draft && draft.values && Date.now() - draft.savedAt < MAX_AGE_MS) return draft.values;
  } catch (error) {
    // A draft that cannot be read is dropped below.
  }
  localStorage.removeItem(key);
  return null;
}

function draftKeys() {
  const keys = [];
  for (let i = 0; i < localStorage.length; i += 1) {
    const key = localStorage.key(i);
    if (key && key.startsWith(PREFIX)) keys.push(key);
  }
  return keys;
}

// Signed in: drop every draft that is not this person's, and this person's old ones.
function tidyDrafts() {
  const mine = `${PREFIX}${owner()}:`;
  if (!owner()) return;
  for (const key of draftKeys()) {
    if (!key.startsWith(mine)) localStorage.removeItem(key);
    else storedDraft(key);
  }
}

function forgetAll() {
  for (const key of draftKeys()) localStorage.removeItem(key);
  sessionStorage.removeItem(PENDING);
}

function fields(form) {
  return Array.from(form.elements).filter(
    (el) =>
      el.name &&
      !["csrfmiddlewaretoken", "version"].includes(el.name) &&
      !["file", "submit", "button", "hidden", "password"].includes(el.type)
  );
}

function read(form) {
  const values = {};
  for (const el of fields(form)) {
    if (el.type === "radio") {
      if (el.checked) values[el.name] = el.value;
      else if (!(el.name in values)) values[el.name] = "";
    } else if (el.type === "checkbox") {
      values[el.name] = el.checked ? "on" : "";
    } else {
      values[el.name] = el.value;
    }
  }
  return values;
}

function write(form, values) {
  for (const el of fields(form)) {
    if (!(el.name in values)) continue;
    if (el.type === "radio") el.checked = values[el.name] === el.value;
    else if (el.type === "checkbox") el.checked = values[el.name] === "on";
    else el.value = values[el.name];
  }
}

function same(a, b) {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if ((a[key] || "") !== (b[key] || "")) return false;
  return true;
}

function banner(form, key, serverValues) {
  const box = document.createElement("div");
  box.className = "govuk-notification-banner";
  box.setAttribute("role", "region");
  box.setAttribute("aria-labelledby", "restored-title");
  box.innerHTML =
    '<div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="restored-title">Important</h2></div>' +
    '<div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading">We have put back what you typed on this device but had not saved.</p>' +
    '<p class="govuk-body">Check it, then save. <button type="button" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-discard>Discard it and show the saved version</button></p></div>';
  box.querySelector("[data-discard]").addEventListener("click", () => {
    localStorage.removeItem(key);
    write(form, serverValues);
    box.remove();
  });
  form.parentNode.insertBefore(box, form);
}

// Forms posted from this tab whose save the server has not confirmed yet: {key, path}.
function pending() {
  try {
    return JSON.parse(sessionStorage.getItem(PENDING) || "[]").filter((entry) => entry && entry.key);
  } catch (error) {
    return [];
  }
}

function setPending(list) {
  if (list.length) sessionStorage.setItem(PENDING, JSON.stringify(list));
  else sessionStorage.removeItem(PENDING);
}

function forget(path) {
  const keep = [];
  for (const entry of pending()) {
    if (entry.path === path) localStorage.removeItem(entry.key);
    else keep.push(entry);
  }
  setPending(keep);
}

// A success banner straight after posting a form means the server has it, so its draft is no
// longer needed. Only the page that posted (the referrer after the redirect) counts: the banner
// shown after signing in again, once a session has ended, must not throw away a draft the
// server never received.
function clearSaved() {
  if (!document.referrer || !document.querySelector(".govuk-notification-banner--success")) return;
  let from;
  try {
    from = new URL(document.referrer);
  } catch (error) {
    return;
  }
  if (from.origin === location.origin) forget(from.pathname);
}

// "Keep their version" on the conflict page: the draft that was refused is not wanted any more.
// The conflict page is answered at the address of the form that posted.
function discardRefused() {
  for (const link of document.querySelectorAll("[data-autosave-discard]")) {
    link.addEventListener("click", () => forget(location.pathname));
  }
}

export function initAutosave() {
  if (!window.localStorage || !window.sessionStorage) return;
  for (const form of document.querySelectorAll("form[data-sign-out]")) {
    form.addEventListener("submit", forgetAll);
  }
  tidyDrafts();
  clearSaved();
  discardRefused();
  for (const form of document.querySelectorAll("form[data-autosave]")) {
    if (!owner()) continue;
    const key = draftKey(form);
    const serverValues = read(form);
    const hasErrors = document.querySelector(".govuk-error-summary") !== null;
    const values = storedDraft(key);
    if (values && !hasErrors) {
      if (same(values, serverValues)) localStorage.removeItem(key);
      else {
        write(form, values);
        banner(form, key, serverValues);
      }
    }
    const save = () =>
      localStorage.setItem(key, JSON.stringify({ savedAt: Date.now(), values: read(form) }));
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", () => {
      const list = pending().filter((entry) => entry.key !== key);
      list.push({ key, path: location.pathname });
      setPending(list);
    });
  }
}
