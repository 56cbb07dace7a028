"""REST API for overleggen and actiepunten: `views` (the viewsets, status codes in its docstring) and
`serializers`."""

from .views import ActiepuntViewSet, OverlegViewSet

__all__ = ["ActiepuntViewSet", "OverlegViewSet"]
