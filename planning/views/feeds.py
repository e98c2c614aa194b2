"""Planning views: feeds (being written)."""

urlpatterns: list = []
