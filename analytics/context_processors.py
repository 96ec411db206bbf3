from analytics.selectors import usage


def portal(request):
    return {"reporting_timezone": usage.reporting_timezone()}
