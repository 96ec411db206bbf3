"""People: members (everyone the logs or HR's roster name), teams, departments and cohorts."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Exists, OuterRef, Q


class Team(models.Model):
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        db_table = "analytics_team"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        db_table = "analytics_department"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Cohort(models.Model):
    """A rollout wave or pilot group ("pilot", "wave 2"); a member may be in several."""

    name = models.CharField(max_length=200, unique=True)

    class Meta:
        db_table = "analytics_cohort"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MemberQuerySet(models.QuerySet):
    """The rules about who is who, in one place: on the roster, holding a seat, in a group."""

    def on_roster(self) -> MemberQuerySet:
        return self.filter(on_roster=True)

    def seat_holders_on(self, day: date) -> MemberQuerySet:
        """Roster members whose seat covers `day` (seat_start through seat_end, both included;
        no seat_end while the seat lasts)."""
        return self.seat_holders_in(start=day, end=day)

    def seat_holders_in(self, *, start: date, end: date) -> MemberQuerySet:
        """Roster members with a seat on any day from `start` through `end`."""
        if end < start:
            raise ValueError(f"The period ends ({end}) before it starts ({start}).")
        return self.on_roster().filter(seat_start__lte=end).filter(Q(seat_end__isnull=True) | Q(seat_end__gte=start))

    def in_group(self, group) -> MemberQuerySet:
        """The roster members a group filter covers (people.groups.Group: a team, department or cohort)."""
        return self.on_roster().filter(**{group.lookup: group.name}).distinct()

    # Where a member's stored figures live, by related name (ingest's and usage's models, which
    # people may not import): audit events, Claude Code member-days and events, support tickets.
    FIGURE_RELATIONS = ("events", "code_days", "otel_events", "tickets")

    def seen_in_logs(self) -> MemberQuerySet:
        """Members the imported files have named: a first sighting in the audit log recorded, or
        figures of any source stored. Someone only in a Claude Code report or a ticket counts too:
        left out, the organisation's figures minus every group's would be theirs alone."""
        stored = Q(first_seen__isnull=False)
        for relation in self.FIGURE_RELATIONS:
            related = self.model._meta.get_field(relation).related_model
            stored |= Exists(related.objects.filter(member=OuterRef("pk")))
        return self.filter(stored)


class Member(models.Model):
    """A person whose usage is analysed, identified by lower-cased email.

    Made by an import (seen in the logs) or by the roster import (HR's list of seat holders);
    `on_roster` says whether HR's roster lists them, with their team, department, cohorts and seat.
    """

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    # "Member 4F2A-9C1B": a keyed hash of the email (portal.privacy.member_pseudonym),
    # stored so tables can sort by it; what people without a reveal see instead of the name.
    pseudonym = models.CharField(max_length=24, blank=True, db_index=True)
    anthropic_uuid = models.CharField("Anthropic uuid", max_length=64, blank=True)
    anthropic_user_id = models.CharField("Anthropic user id", max_length=64, blank=True, help_text="The analytics API's user.id (user_…)")
    first_seen = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    # The upload that first named this member; a failed upload removes the members it alone added.
    first_upload = models.ForeignKey("ingest.Upload", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # From HR's roster.
    on_roster = models.BooleanField(default=False, db_index=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    cohorts = models.ManyToManyField(Cohort, blank=True, related_name="members", db_table="analytics_member_cohorts")
    seat_start = models.DateField(null=True, blank=True)
    seat_end = models.DateField(null=True, blank=True, help_text="Last day with a seat; empty while the seat lasts")

    objects = MemberQuerySet.as_manager()

    class Meta:
        db_table = "analytics_member"
        ordering = ["email"]

    def __str__(self) -> str:
        return f"Member {self.pk}"


class RosterEntry(Member):
    """Members as HR's roster sees them: the admin page importers use to import the roster and to
    find people seen in the logs but not on it."""

    class Meta:
        proxy = True
        verbose_name = "roster entry"
        verbose_name_plural = "roster"


class PopulationVersion(models.Model):
    """A token that changes whenever who is in which group may have changed (people.services),
    so that what depends on the population, such as the groups privacy hides, is cached per version."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "population version"


class PseudonymRotation(models.Model):
    """The period whose pseudonyms the members carry now (one row); people.services rotates them."""

    period = models.CharField(max_length=10, blank=True, help_text='"2026-Q4", "2026", or empty: never rotated')
    rotated_at = models.DateTimeField(null=True, blank=True)
