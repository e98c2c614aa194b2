"""Each area of evaluation declares its own URL patterns in its view module."""

from .views import audit, company_unit, defences, grades, juries, programme, results

app_name = "evaluation"

urlpatterns = [
    *programme.urlpatterns,
    *grades.urlpatterns,
    *juries.urlpatterns,
    *results.urlpatterns,
    *audit.urlpatterns,
    *company_unit.urlpatterns,
    *defences.urlpatterns,
]
