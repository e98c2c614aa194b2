"""Planning views: grid (being written)."""

urlpatterns: list = []
