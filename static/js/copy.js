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
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        if (status) status.textContent = button.dataset.copied;
      } catch (error) {
        field.focus();
        if (status) status.textContent = button.dataset.copyFailed;
      }
    });
  });
});
