// Portal behaviour. No inline scripts anywhere (the Content-Security-Policy forbids them).
document.addEventListener("DOMContentLoaded", () => {
  // Forms whose submission must be confirmed carry data-confirm="question".
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
// htmx requests carry the CSRF token of the page's forms (the CSRF cookie is HttpOnly).
document.body && document.body.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.value;
});
