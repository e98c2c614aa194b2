"""Each area of evaluation declares its own URL patterns in its view module."""

from .views import grades, programme

app_name = "evaluation"

urlpatterns = [
    *programme.urlpatterns,
    *grades.urlpatterns,
]
