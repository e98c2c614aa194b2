"""Grade entry: a module teacher's modules and each module's grade grid."""

urlpatterns = []
