// Save as you go for audit forms, as progressive enhancement: the forms work
// without this script through their Save buttons. On each change the form is posted with the
// version it was loaded from; the server answers with the new version, or 409 when someone
// else saved first — then we stop saving and say so, so nothing is lost silently.
const status = document.getElementById("autosave-status");
const message = document.getElementById("autosave-message");
let stale = false;

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

async function save(form) {
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

for (const form of document.querySelectorAll("form[data-autosave]")) {
  let timer;
  form.addEventListener("change", () => {
    clearTimeout(timer);
    timer = setTimeout(() => save(form), 300);
  });
}
