"""Planning views: transfer (being written)."""

urlpatterns: list = []
