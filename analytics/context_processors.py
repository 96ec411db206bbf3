from django.conf import settings


def portal(request):
    return {"reporting_timezone": settings.REPORTING_TIMEZONE}
