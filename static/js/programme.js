// The programme pages: a search field above a module's teachers (a long list of people),
// hiding the people whose name or e-mail does not match. Without JavaScript, the whole list.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-teacher-filter]").forEach((box) => {
    const first = box.querySelector(".form-check");
    if (!first) return;
    const list = first.parentElement;
    if (!list.id) list.id = "teacher-list";
    const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    const label = document.createElement("label");
    label.className = "form-label small mb-1";
    label.htmlFor = "teacher-filter";
    label.textContent = box.dataset.teacherFilter;
    const input = document.createElement("input");
    input.type = "search";
    input.id = "teacher-filter";
    input.className = "form-control form-control-sm mb-2";
    input.setAttribute("aria-controls", list.id);
    const status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    list.before(label, input, status);
    // Enter in the search field must not submit the module's form.
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
    });
    input.addEventListener("input", () => {
      const query = fold(input.value.trim());
      let shown = 0;
      list.querySelectorAll(".form-check").forEach((item) => {
        const match = !query || fold(item.textContent).includes(query);
        item.hidden = !match;
        if (match) shown += 1;
      });
      status.textContent = box.dataset.teacherCount.replace("%s", shown);
    });
  });
});
