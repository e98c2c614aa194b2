"""The programme (maquette): read by school staff, edited, imported, exported and copied
by scolarité."""

urlpatterns = []
