"""Planning views: tape (being written)."""

urlpatterns: list = []
