"""Each area of evaluation declares its own URL patterns in its view module."""

from .views import company_unit, defences, grades, programme

app_name = "evaluation"

urlpatterns = [
    *programme.urlpatterns,
    *grades.urlpatterns,
    *company_unit.urlpatterns,
    *defences.urlpatterns,
]
