"""The portal's history before it was split into apps by concern: migrations 0001-0005 made every
table (their names still start with analytics_), and 0006 hands each model to its app."""

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Usage analytics (migration history)"
