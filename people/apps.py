"""Members, teams, departments, cohorts and HR's roster."""

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People"

    def ready(self):
        from people import receivers
        from people.selectors import population_counts_key
        from portal.cache import version_part_register

        receivers.connect()
        version_part_register(population_counts_key)
