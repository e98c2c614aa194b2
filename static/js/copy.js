// Copy buttons: <button data-copy-target="#field" data-copy-status="#status"> copies the value
// of the field with the Clipboard API and says so in the status (a live region). The button
// shows only where the API exists; the field itself stays a readonly text box whose content
// is selected on focus, to copy by hand. No inline script anywhere (the CSP forbids them).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-copy-target]").forEach((button) => {
    const field = document.querySelector(button.dataset.copyTarget);
    const status = document.querySelector(button.dataset.copyStatus);
    if (!field) return;
    field.addEventListener("focus", () => field.select());
    if (!navigator.clipboard || !window.isSecureContext) return;
    button.hidden = false;
    // The status is emptied first, then filled a moment later: a live region announces a change,
    // so a second click, whose text is the same, is announced too.
    const say = (text) => {
      if (!status) return;
      status.textContent = "";
      window.setTimeout(() => (status.textContent = text), 100);
    };
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        say(button.dataset.copied);
      } catch (error) {
        field.focus();
        say(button.dataset.copyFailed);
      }
    });
  });
});
