"""The daily rollups every usage figure reads, and the timezones they are kept in."""

from __future__ import annotations

from django.db import models


class DailyActivity(models.Model):
    """Per member per calendar day (in `timezone`) counts; every dashboard figure reads these.

    Rows with no member hold the events of service accounts and actor-less rows, which count
    in event totals but never as users.
    """

    timezone = models.CharField(max_length=64)
    day = models.DateField()
    member = models.ForeignKey("people.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="daily_activity", db_constraint=False
    )
    events = models.PositiveIntegerField(default=0)
    conversations = models.PositiveIntegerField(default=0)
    projects = models.PositiveIntegerField(default=0)
    files = models.PositiveIntegerField(default=0)
    last_event_at = models.DateTimeField()

    class Meta:
        db_table = "analytics_dailyactivity"
        verbose_name_plural = "daily activity"
        indexes = [
            models.Index(fields=["timezone", "day"], name="activity_tz_day"),
            models.Index(fields=["timezone", "member", "day"], name="activity_tz_member_day"),
            # PostgreSQL also has activity_group_cover, the same key covering the figures (migration 0007).
        ]
        permissions = [
            ("view_dashboard", "Can view the usage dashboard"),
            ("view_member_detail", "Can see per-member usage (pseudonymous until names are revealed)"),
        ]


class DailyTotal(models.Model):
    """Organisation-wide figures per calendar day in `timezone`, summed from DailyActivity.

    Charts and cards read these few hundred rows instead of scanning the per-member rollup.
    """

    timezone = models.CharField(max_length=64)
    day = models.DateField()
    active_users = models.PositiveIntegerField(default=0)
    events = models.PositiveIntegerField(default=0)
    conversations = models.PositiveIntegerField(default=0)
    projects = models.PositiveIntegerField(default=0)
    files = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "analytics_dailytotal"
        constraints = [models.UniqueConstraint(fields=["timezone", "day"], name="daily_total_unique_day")]


class MemberTotal(models.Model):
    """Per member, in `timezone`: the first and last active day and all-time counts.

    The member table reads one row per member from here, corrected for days after the as-of day.
    """

    timezone = models.CharField(max_length=64)
    member = models.ForeignKey("people.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="totals", db_constraint=False
    )
    first_day = models.DateField()
    last_day = models.DateField()
    last_event_at = models.DateTimeField()
    events = models.PositiveIntegerField(default=0)
    conversations = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "analytics_membertotal"
        indexes = [models.Index(fields=["timezone", "member"], name="member_total_tz_member")]


class RollupTimezone(models.Model):
    """A timezone whose rollups are kept: the reporting timezone, and each one a report asked for.

    Imports refresh the days they touch in every kept timezone. `complete`: a build from every
    stored event has finished, so the rollups cover all events and reports may trust them.
    """

    timezone = models.CharField(max_length=64, unique=True)
    complete = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.timezone} ({'complete' if self.complete else 'being built'})"


class CodeDay(models.Model):
    """A member's Claude Code figures on one UTC date and terminal, from the one source that decides
    that member and date: the usage report, else the analytics API, else OpenTelemetry (never two
    added together). Rebuilt for the member-dates an import touches (usage.services.code_days).

    Terminal is "" where the deciding source does not say. A member is code-active on a date when
    any of sessions, lines, commits, pull requests or edits summed over its rows is above zero; a
    row of zeros still records which source decided.
    """

    member = models.ForeignKey("people.Member", on_delete=models.CASCADE, related_name="code_days")
    date = models.DateField()
    terminal = models.CharField(max_length=100, blank=True)
    source = models.CharField(max_length=20)
    sessions = models.PositiveIntegerField(default=0)
    lines_added = models.PositiveBigIntegerField(default=0)
    lines_removed = models.PositiveBigIntegerField(default=0)
    commits = models.PositiveIntegerField(default=0)
    pull_requests = models.PositiveIntegerField(default=0)
    edits_accepted = models.PositiveIntegerField(default=0)
    edits_rejected = models.PositiveIntegerField(default=0)
    cost_cents = models.DecimalField(max_digits=16, decimal_places=4, default=0)

    class Meta:
        indexes = [models.Index(fields=["date"], name="codeday_date"), models.Index(fields=["member", "date"], name="codeday_member_date")]


class CodeDayModel(models.Model):
    """A member's tokens and estimated cost per model on one UTC date, from the deciding source."""

    member = models.ForeignKey("people.Member", on_delete=models.CASCADE, related_name="code_day_models")
    date = models.DateField()
    model = models.CharField(max_length=100)
    input_tokens = models.PositiveBigIntegerField(default=0)
    output_tokens = models.PositiveBigIntegerField(default=0)
    cache_read_tokens = models.PositiveBigIntegerField(default=0)
    cache_creation_tokens = models.PositiveBigIntegerField(default=0)
    cost_cents = models.DecimalField(max_digits=16, decimal_places=4, default=0)

    class Meta:
        indexes = [models.Index(fields=["date"], name="codedaymodel_date")]


class WeeklyActivity(models.Model):
    """Per member per ISO week (Monday `week`) in `timezone`: the audit rollups summed over the
    week's calendar days in that timezone, and the member's Claude Code figures over the week's UTC
    dates (CodeDay: dates on which the member was code-active, and the sessions of those dates), and
    whether they had a plugin event (OpenTelemetry) in it. Weekly figures read these instead of
    grouping every member-day (usage.services.rollups.weekly_rollups_refresh keeps them current).
    Members only: service accounts count in no weekly figure but the organisation's conversations,
    read from DailyTotal."""

    timezone = models.CharField(max_length=64)
    week = models.DateField()
    member = models.ForeignKey("people.Member", on_delete=models.CASCADE, related_name="weekly_activity", db_constraint=False)
    events = models.PositiveIntegerField(default=0)
    conversations = models.PositiveIntegerField(default=0)
    projects = models.PositiveIntegerField(default=0)
    files = models.PositiveIntegerField(default=0)
    code_days = models.PositiveSmallIntegerField(default=0)
    code_sessions = models.PositiveIntegerField(default=0)
    plugin_events = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["timezone", "week"], name="weekly_tz_week"),
            models.Index(fields=["timezone", "member", "week"], name="weekly_tz_member_week"),
        ]


class WeeklyTotal(models.Model):
    """The organisation's members per ISO week in `timezone`, counted from WeeklyActivity: a few
    dozen rows per timezone for the weekly charts and tables."""

    timezone = models.CharField(max_length=64)
    week = models.DateField()
    active_users = models.PositiveIntegerField(default=0)
    conversations = models.PositiveIntegerField(default=0)  # the members' (service accounts: DailyTotal)
    project_users = models.PositiveIntegerField(default=0)
    file_users = models.PositiveIntegerField(default=0)
    code_active_users = models.PositiveIntegerField(default=0)
    any_active_users = models.PositiveIntegerField(default=0)
    code_sessions = models.PositiveIntegerField(default=0)
    plugin_users = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["timezone", "week"], name="weekly_total_unique_week")]


class CodeMemberTotal(models.Model):
    """Per member, the first UTC date on which they were code-active (CodeDay summed per date above
    zero, as usage.selectors.claude_code decides): "code-active users up to as-of" counts these few
    thousand rows instead of every member-day. Refreshed with the member-days (code_days_refresh's
    receiver) and after purges."""

    member = models.OneToOneField("people.Member", on_delete=models.CASCADE, related_name="code_total", db_constraint=False)
    first_active_date = models.DateField(db_index=True)
