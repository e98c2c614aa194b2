// The grade grid (evaluation/views/grades.py), a spreadsheet-like form.
// Saving: each cell is saved as it is typed (after a short pause, when it is left, or with
// Enter) by a POST to the form's data-save-url with the version it was read at. The answer
// (JSON) gives the value as stored ("12,5" comes back "12,50"), the new version and the row's
// average. Someone else's newer value (409) replaces the cell's and the message says whose and
// what was typed; a bad grade (400) keeps the text, marked invalid, with the server's message.
// Each cell's state is an icon and a text (the input's description), and every outcome is
// announced in the grid's live region (#grid-status): never colour alone.
// Keyboard: arrow keys move between cells (left and right at the edges of the text, or when
// it is all selected, as it is on arrival), Enter and Shift+Enter move down and up, Tab and
// Shift+Tab are the browser's own, Escape puts back the saved value.
// Without this script the form posts the whole grid. No inline script (the CSP forbids them).
(() => {
  "use strict";
  const form = document.getElementById("grade-form");
  if (!form) return;
  const DELAY_MS = 700;
  const url = form.dataset.saveUrl;
  const live = document.getElementById("grid-status");
  const ICONS = { saving: "…", saved: "✓", error: "⚠", conflict: "⚠" };
  // Each cell's input is "c-<assessment>-<enrolment>", its version data-v, its state "s-…";
  // each row's versions are also in its hidden "v-<enrolment>" (for the form without script).
  const rows = [...form.querySelectorAll("#grade-grid tbody tr")].map((tr) => [
    ...tr.querySelectorAll("td > input[id^='c-']"),
  ]);
  const cells = new Map(); // input → its cell, position and saving state
  rows.forEach((row, r) =>
    row.forEach((input, c) => {
      const [assessment, enrolment] = input.id.slice(2).split("-");
      cells.set(input, {
        assessment,
        enrolment,
        r,
        c,
        saved: input.value.trim(),
        timer: null,
        busy: false,
        again: false,
        error: false,
      });
    })
  );

  const token = () => {
    const field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  };
  const announce = (text) => {
    if (!live || !text) return;
    live.textContent = text;
  };
  const nameOf = (input) => {
    const cell = cells.get(input);
    const column = document.getElementById(`h-${cell.assessment}`);
    const row = document.getElementById(`r-${cell.enrolment}`);
    return [column, row].map((element) => (element ? element.textContent.trim() : "")).join(", ");
  };
  const pending = () => [...cells.values()].some((cell) => cell.busy || cell.timer);

  // The cell's state: an icon and words (hidden from sight for "saving" and "saved", read as
  // the input's description); errors and conflicts also mark the input.
  const show = (input, state, text) => {
    const box = document.getElementById(input.getAttribute("aria-describedby"));
    if (!box) return;
    box.replaceChildren();
    if (state === "error") input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    if (!state) return;
    const status = document.createElement("span");
    status.className = "cell-status";
    status.dataset.state = state;
    const icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = ICONS[state];
    const words = document.createElement("span");
    words.textContent = ` ${text}`;
    if (state === "saving" || state === "saved") words.className = "visually-hidden";
    status.append(icon, words);
    box.append(status);
  };

  const setVersion = (input, version) => {
    const { assessment, enrolment } = cells.get(input);
    input.dataset.v = String(version);
    const hidden = form.elements[`v-${enrolment}`];
    if (!hidden) return;
    hidden.value = hidden.value
      .split(",")
      .map((pair) => (pair.split(":")[0] === assessment ? `${assessment}:${version}` : pair))
      .join(",");
  };

  const showAverage = (input, answer) => {
    const cell = document.getElementById(`avg-${cells.get(input).enrolment}`);
    if (!cell || answer.average === undefined) return;
    cell.querySelector(".avg-value").textContent = answer.average;
    cell.querySelector(".avg-status").textContent = answer.complete ? "" : answer.state || "";
    const resit = cell.querySelector(".avg-resit");
    if (resit) resit.hidden = !answer.resit_used;
  };

  const save = async (input) => {
    const cell = cells.get(input);
    if (!cell) return;
    window.clearTimeout(cell.timer);
    cell.timer = null;
    if (input.readOnly) return;
    if (cell.busy) {
      cell.again = true; // saved again once the answer is in, with its new version
      return;
    }
    const text = input.value.trim();
    if (text === cell.saved) {
      // Nothing to save (or back to the saved value after an error).
      if (cell.error) show(input, null);
      cell.error = false;
      return;
    }
    cell.busy = true;
    show(input, "saving", form.dataset.msgSaving);
    const data = new FormData();
    data.append("assessment", cell.assessment);
    data.append("enrolment", cell.enrolment);
    data.append("text", text);
    data.append("version", input.dataset.v || "0");
    try {
      const response = await fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": token() },
      });
      const answer = await response.json().catch(() => null);
      if (!answer) throw new Error("not an answer of the portal");
      if (response.ok) {
        cell.saved = answer.text;
        cell.error = false;
        setVersion(input, answer.version);
        if (input.value.trim() === text) input.value = answer.text; // not retyped meanwhile
        show(input, "saved", form.dataset.msgSaved);
        showAverage(input, answer);
        if (answer.changed) announce(answer.message);
      } else if (response.status === 409 && answer.conflict) {
        cell.saved = answer.text;
        cell.error = false;
        setVersion(input, answer.version);
        input.value = answer.text; // theirs; the message says what was typed
        show(input, "conflict", answer.message);
        showAverage(input, answer);
        announce(`${nameOf(input)}: ${answer.message}`);
      } else {
        cell.error = true;
        if (response.status === 423) input.readOnly = true;
        show(input, "error", answer.message || form.dataset.msgError);
        announce(`${nameOf(input)}: ${answer.message || form.dataset.msgError}`);
      }
    } catch (error) {
      cell.error = true; // signed out (the login page), offline, a server error: tried again
      show(input, "error", form.dataset.msgFailed);
      announce(`${nameOf(input)}: ${form.dataset.msgFailed}`);
    } finally {
      cell.busy = false;
      if (cell.again) {
        cell.again = false;
        save(input);
      }
    }
  };

  form.addEventListener("input", (event) => {
    const cell = cells.get(event.target);
    if (!cell) return;
    window.clearTimeout(cell.timer);
    cell.timer = window.setTimeout(() => save(event.target), DELAY_MS);
  });
  form.addEventListener("focusout", (event) => {
    if (cells.has(event.target)) save(event.target);
  });
  form.addEventListener("focusin", (event) => {
    if (cells.has(event.target)) event.target.select();
  });

  const moveTo = (r, c) => {
    const target = rows[r] && rows[r][c];
    if (!target) return false;
    target.focus();
    return true;
  };

  form.addEventListener("keydown", (event) => {
    const input = event.target;
    const cell = cells.get(input);
    if (!cell || event.altKey || event.ctrlKey || event.metaKey) return;
    const length = input.value.length;
    const start = input.selectionStart;
    const end = input.selectionEnd;
    const all = start === 0 && end === length;
    let target = null;
    switch (event.key) {
      case "ArrowUp":
        target = [cell.r - 1, cell.c];
        break;
      case "ArrowDown":
        target = [cell.r + 1, cell.c];
        break;
      case "Enter":
        event.preventDefault(); // not the whole form's submission
        target = [cell.r + (event.shiftKey ? -1 : 1), cell.c];
        break;
      case "ArrowLeft":
        if (event.shiftKey) return;
        if (all || (start === 0 && end === 0)) target = [cell.r, cell.c - 1];
        break;
      case "ArrowRight":
        if (event.shiftKey) return;
        if (all || (start === length && end === length)) target = [cell.r, cell.c + 1];
        break;
      case "Escape":
        event.preventDefault();
        window.clearTimeout(cell.timer);
        cell.timer = null;
        input.value = cell.saved;
        cell.error = false;
        show(input, null);
        input.select();
        return;
      default:
        return;
    }
    if (!target) return;
    event.preventDefault();
    save(input);
    if (!moveTo(...target)) input.select();
  });

  // With the script, the form's button saves every cell not saved yet, one by one.
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    cells.forEach((_cell, input) => save(input));
  });

  window.addEventListener("beforeunload", (event) => {
    if (!pending()) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();
