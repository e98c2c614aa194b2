"""Each area of evaluation declares its own URL patterns in its view module."""

from .views import grades, juries, programme, results

app_name = "evaluation"

urlpatterns = [
    *programme.urlpatterns,
    *grades.urlpatterns,
    *juries.urlpatterns,
    *results.urlpatterns,
]
