"""Keeps the population version current on every ORM write to people (connected in
PeopleConfig.ready()); bulk writes that send no signals call people.services.population_changed
themselves (the import does)."""

from __future__ import annotations


def population_change_noted(sender, **kwargs) -> None:
    from people.services import population_changed

    population_changed()


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from people.models import Cohort, Department, Member, Team

    for model in (Member, Team, Department, Cohort):
        post_save.connect(population_change_noted, sender=model, dispatch_uid=f"people.population.save.{model.__name__}")
        post_delete.connect(population_change_noted, sender=model, dispatch_uid=f"people.population.delete.{model.__name__}")
    m2m_changed.connect(population_change_noted, sender=Member.cohorts.through, dispatch_uid="people.population.cohorts")
