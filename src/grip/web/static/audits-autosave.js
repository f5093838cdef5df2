// Save as you go for audit forms, as progressive enhancement: the forms work
// without this script through their Save buttons. On each change the form is posted with the
// version it was loaded from; the server answers with the new version, or 409 when someone
// else saved first — then we stop saving and say so, so nothing is lost silently.
// Saves go one after another, and a Save button waits for the save in flight: two posts made
// from the same version would otherwise race, and the user's own autosave would make their
// Save look like someone else's change.
const status = document.getElementById("autosave-status");
const message = document.getElementById("autosave-message");
let stale = false;
let inFlight = Promise.resolve();

function show(text) {
  if (!status || !message) return;
  message.textContent = text;
  status.hidden = false;
}

function setVersion(version) {
  for (const input of document.querySelectorAll('input[name="version"]')) {
    if (input.closest("form[data-autosave]") || input.closest("#transitions")) input.value = String(version);
  }
}

function save(form) {
  inFlight = inFlight.then(() => send(form));
  return inFlight;
}

async function send(form) {
  if (stale) return;
  const body = new URLSearchParams(new FormData(form));
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    const data = await response.json();
    if (response.ok) {
      setVersion(data.version);
      show("Saved " + new Date().toLocaleTimeString());
    } else if (response.status === 409 && data.stale) {
      stale = true;
      show(data.error + " Automatic saving has stopped.");
    } else {
      show("Not saved: " + data.error);
    }
  } catch (err) {
    show("Not saved: the connection failed. Use the Save button when you are back online.");
  }
}

function waitBeforeSubmit(form, beforeWaiting) {
  form.addEventListener("submit", (event) => {
    if (form.dataset.submitting) return;
    event.preventDefault();
    beforeWaiting();
    const submitter = event.submitter;
    // In a new task: a form ignores a new submit while its submit event is still firing.
    inFlight.then(() => setTimeout(() => {
      form.dataset.submitting = "true";
      form.requestSubmit(submitter);
      // Still here when the browser's own checks stopped the post: the next Save waits again.
      delete form.dataset.submitting;
    }, 0));
  });
}

// Changes waiting for their save, by form: a Save button sends its own form's, a step button
// saves every form's first so nothing typed is lost when the page moves on.
const waiting = new Map();

for (const form of document.querySelectorAll("form[data-autosave]")) {
  form.addEventListener("change", () => {
    clearTimeout(waiting.get(form));
    waiting.set(form, setTimeout(() => {
      waiting.delete(form);
      save(form);
    }, 300));
  });
  waitBeforeSubmit(form, () => {
    clearTimeout(waiting.get(form));
    waiting.delete(form);
  });
}

// A step button (start, submit, request reflection…) carries the version too.
for (const form of document.querySelectorAll("#transitions form")) {
  waitBeforeSubmit(form, () => {
    for (const [other, timer] of waiting) {
      clearTimeout(timer);
      save(other);
    }
    waiting.clear();
  });
}
