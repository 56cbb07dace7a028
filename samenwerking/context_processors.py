from django.conf import settings


def omgeving(request):
    """Tell templates whether this is a demo/development installation, so it can say so."""
    return {"demo_omgeving": settings.DEMO_ALLOWED}
