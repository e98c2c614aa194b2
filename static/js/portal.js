// Portal behaviour. No inline scripts anywhere (the Content-Security-Policy forbids them).
document.addEventListener("DOMContentLoaded", () => {
  // Forms whose submission must be confirmed carry data-confirm="question".
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  initTableScrollers(document);
});
// htmx requests carry the CSRF token of the page's forms (the CSRF cookie is HttpOnly).
document.body && document.body.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.value;
});
// Content swapped in by htmx gets the same treatment as the page.
document.body && document.body.addEventListener("htmx:load", (event) => initTableScrollers(event.target));

// Tables wider than their .table-responsive container say so: a hint above them (its text is
// the body's data-scroll-hint, translated by the template), a shadow on the edge that hides
// columns (.table-scroll wrapper), and a tab stop so that the keyboard can scroll them, named
// by the table's caption.
let scrollHints = 0;

function updateTableScroller(box) {
  const overflows = box.scrollWidth > box.clientWidth; // even by 1 px: it scrolls (axe agrees)
  const moreLeft = overflows && box.scrollLeft > 1;
  const moreRight = overflows && box.scrollLeft + box.clientWidth < box.scrollWidth - 1;
  for (const element of [box, box.parentElement]) {
    element.classList.toggle("is-scrollable", overflows);
    element.classList.toggle("has-more-left", moreLeft);
    element.classList.toggle("has-more-right", moreRight);
  }
  // A tab stop is named, so that a screen reader says what it reached: a region labelled by
  // the table's caption (every portal table has one).
  const caption = box.querySelector(":scope > table > caption");
  if (overflows) {
    box.setAttribute("tabindex", "0");
    if (caption) {
      if (!caption.id) caption.id = `${box.getAttribute("aria-describedby")}-titre`;
      box.setAttribute("role", "region");
      box.setAttribute("aria-labelledby", caption.id);
    }
  } else {
    box.removeAttribute("tabindex");
    box.removeAttribute("role");
    box.removeAttribute("aria-labelledby");
  }
  const hint = document.getElementById(box.getAttribute("aria-describedby"));
  if (hint) hint.hidden = !overflows;
}

const tableScrollerResized = window.ResizeObserver
  ? new ResizeObserver((entries) =>
      entries.forEach((entry) => {
        const box = entry.target.closest(".table-responsive");
        if (box) updateTableScroller(box);
      })
    )
  : null;

function initTableScrollers(root) {
  if (!root.querySelectorAll) return;
  const boxes = [...root.querySelectorAll(".table-responsive")];
  if (root.matches && root.matches(".table-responsive")) boxes.push(root);
  boxes.forEach((box) => {
    if (box.dataset.scrollCue) return;
    box.dataset.scrollCue = "on";
    const wrapper = document.createElement("div");
    wrapper.className = "table-scroll";
    const hint = document.createElement("p");
    hint.className = "table-scroll-hint";
    hint.id = `table-scroll-hint-${++scrollHints}`;
    hint.textContent = document.body.dataset.scrollHint || "";
    hint.hidden = true;
    box.before(hint);
    hint.after(wrapper);
    wrapper.append(box);
    box.setAttribute("aria-describedby", hint.id);
    box.addEventListener("scroll", () => updateTableScroller(box), { passive: true });
    if (tableScrollerResized) {
      tableScrollerResized.observe(box); // the screen changes
      [...box.children].forEach((child) => tableScrollerResized.observe(child)); // the table does
    }
    updateTableScroller(box);
  });
}
window.addEventListener("resize", () => document.querySelectorAll(".table-responsive").forEach(updateTableScroller));
