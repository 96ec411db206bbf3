"""Members, teams, departments, cohorts and HR's roster."""

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People"

    def ready(self):
        from people import receivers

        receivers.connect()
