"""REST API for arrangementen: `views` (the viewset, status codes in its docstring) and `serializers`; the register
of data flows in `stromen` (its actions) and `stroomserializers`; `antwoorden` documents the writes' answers."""

from .views import ArrangementViewSet

__all__ = ["ArrangementViewSet"]
