"""REST API for arrangementen: `views` (the viewset, status codes in its docstring) and `serializers`."""

from .views import ArrangementViewSet

__all__ = ["ArrangementViewSet"]
