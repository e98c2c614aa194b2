// Periodic draft save. A form marked data-autosave="<seconds>" is posted, with its version,
// to its own URL every <seconds> while something was typed since the last save (the POST
// carries autosave=1: the server answers JSON). Saved: the new version replaces the form's,
// so the next save (by hand or automatic) is not taken for someone else's. Someone else saved
// since (409): automatic saving stops and the message says to reload; what was typed stays
// in the form, and saving it by hand shows what changed. A form error (400): said, retried
// after the next change. Any other answer (offline, signed out: the login page, a server
// error) is not taken for a save: the form's data-autosave-failed message is shown and the
// save is tried again at the next tick. The status is a live region (data-autosave-status).
// No inline script anywhere (the CSP forbids them).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-autosave]").forEach((form) => {
    const seconds = parseInt(form.dataset.autosave, 10) || 60;
    const status = document.querySelector(form.dataset.autosaveStatus);
    const version = form.querySelector("input[name='version']");
    let changed = false;
    let busy = false;
    let stopped = false;

    const say = (text, kind) => {
      if (!status) return;
      status.textContent = text || "";
      status.classList.toggle("alert", kind === "danger");
      status.classList.toggle("alert-danger", kind === "danger");
    };
    const failed = () => {
      changed = true; // nothing was saved: try again at the next tick
      say(form.dataset.autosaveFailed, "danger");
    };
    const markChanged = () => {
      changed = true;
    };
    form.addEventListener("input", markChanged);
    form.addEventListener("change", markChanged);
    form.addEventListener("submit", () => {
      stopped = true; // a save by hand is under way
    });

    const save = async () => {
      if (!changed || busy || stopped) return;
      busy = true;
      changed = false;
      const data = new FormData(form);
      data.append("autosave", "1");
      try {
        const response = await fetch(form.getAttribute("action") || window.location.href, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        const answer = await response.json().catch(() => ({}));
        if (response.ok && answer.version) {
          if (version) version.value = answer.version;
          say(answer.message);
        } else if (response.status === 409) {
          stopped = true;
          window.clearInterval(timer);
          say(answer.message, "danger");
        } else if (response.status === 400 && answer.message) {
          say(answer.message); // an error in the form: tried again after the next change
        } else {
          failed(); // not our JSON: signed out (the login page), a server error
        }
      } catch (error) {
        failed(); // offline
      } finally {
        busy = false;
      }
    };
    const timer = window.setInterval(save, seconds * 1000);
  });
});
