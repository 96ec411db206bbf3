import json
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.management.base import BaseCommand, CommandError

from people.groups import GROUP_KINDS, Group
from people.selectors import group_members
from portal import privacy
from portal.forms import EARLIEST_AS_OF, LATEST_AS_OF
from portal.selectors import reporting_timezone_get, reporting_today
from usage.selectors import activity, claude_code, rollout
from usage.services.rollups import rollup_ensure


class Command(BaseCommand):
    help = "Print the usage figures the dashboard shows: a summary, or with --json every figure as one JSON object."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print every figure as one JSON object (the report contract).")
        parser.add_argument("--as-of", help="YYYY-MM-DD; default today in the timezone.")
        parser.add_argument("--tz", help="Timezone for calendar days; default REPORTING_TIMEZONE.")
        groups = parser.add_mutually_exclusive_group()
        for kind in GROUP_KINDS:
            groups.add_argument(f"--{kind}", metavar="NAME", help=f"Weekly figures for the roster members of one {kind}.")

    def handle(self, *args, **options):
        timezone = options["tz"] or reporting_timezone_get()
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise CommandError(f"Unknown timezone {timezone!r}") from None
        try:
            as_of = date.fromisoformat(options["as_of"]) if options["as_of"] else reporting_today(timezone=timezone)
        except ValueError:
            raise CommandError("--as-of must be a date as YYYY-MM-DD") from None
        if not EARLIEST_AS_OF <= as_of <= LATEST_AS_OF:
            raise CommandError(f"--as-of must lie between {EARLIEST_AS_OF} and {LATEST_AS_OF}")
        group = next((Group(kind, options[kind]) for kind in GROUP_KINDS if options.get(kind)), None)
        if group is not None and not group_members(group=group).exists():
            raise CommandError(f"No roster members in {group}: check the name, or import the roster first.")
        rollup_ensure(timezone=timezone)
        totals = activity.usage_totals_get(as_of=as_of, timezone=timezone, group=group)
        windows = activity.conversation_windows_get(as_of=as_of, timezone=timezone, group=group)
        # Every figure covers the group when one is given. The operator at a shell may see people by
        # name; group figures stay subject to the minimum group size.
        people = activity.member_activity_list(viewer=privacy.OPERATOR, as_of=as_of, timezone=timezone, group=group)
        report = {
            "as_of": as_of.isoformat(),
            "timezone": timezone,
            "min_group_size": privacy.min_group_size(),
            "suppressed": totals.suppressed,
            "totals": {
                "users": totals.users,
                "conversations": totals.conversations,
                "projects": totals.projects,
                "files": totals.files,
            },
            "conversations": {
                "last_7_days": windows.last_7_days,
                "last_30_days": windows.last_30_days,
                "all_time": windows.all_time,
            },
            "daily_active_users": [
                {"date": day.isoformat(), "users": users}
                for day, users in activity.daily_active_users_list(as_of=as_of, timezone=timezone, group=group).points
            ],
            "daily_conversations": [
                {"date": day.isoformat(), "conversations": count}
                for day, count in activity.daily_conversations_list(as_of=as_of, timezone=timezone, group=group).points
            ],
            "members": [
                {
                    "email": m["email"],
                    "name": m["name"],
                    "conversations_7d": m["conversations_7d"],
                    "conversations_30d": m["conversations_30d"],
                    "conversations_all_time": m["conversations_all_time"],
                    "last_seen": _utc_z(m["latest_event_at"]),
                }
                for m in people.rows.order_by("email").iterator()
            ],
        }
        report["claude_code"] = _claude_code(as_of=as_of, group=group)
        report["group"] = {"kind": group.kind, "name": group.name} if group else None
        report["weekly"] = [_week(w) for w in rollout.weekly_figures_list(as_of=as_of, timezone=timezone, group=group)]
        baseline = rollout.baseline_get(as_of=as_of, timezone=timezone, group=group)
        report["baseline"] = {"label": baseline.label, **_week(baseline.figures)} if baseline else None
        self.stdout.write(json.dumps(report, ensure_ascii=False) if options["json"] else _summary(report))


def _claude_code(*, as_of, group) -> dict:
    """Claude Code figures (UTC dates), under the group filter and the minimum group size."""
    totals = claude_code.code_totals_get(as_of=as_of, group=group)
    members = claude_code.code_member_list(viewer=privacy.OPERATOR, as_of=as_of, group=group) or []
    api_keys = claude_code.api_key_totals_get(as_of=as_of)
    return {
        "totals": {
            name: getattr(totals, name)
            for name in (
                "active_users", "sessions", "lines_added", "lines_removed", "commits", "pull_requests",
                "edits_accepted", "edits_rejected", "acceptance_rate", "cost_usd",
            )
        },
        "daily": [
            {"date": day.date.isoformat(), "active_users": day.active_users, "sessions": day.sessions,
             "lines_added": day.lines_added, "cost_usd": day.cost_usd}
            for day in claude_code.code_daily_list(as_of=as_of, group=group)
        ],
        "members": [
            {"email": m["email"], "sessions_7d": m["sessions_7d"], "sessions_30d": m["sessions_30d"],
             "sessions_all_time": m["sessions_all_time"], "lines_added_all_time": m["lines_added_all_time"],
             "last_active": m["last_active"].isoformat()}
            for m in sorted(members, key=lambda m: m["email"])
        ],
        "api_keys": {"sessions": api_keys.sessions, "lines_added": api_keys.lines_added, "cost_usd": api_keys.cost_usd},
    }


def _summary(report: dict) -> str:
    """The headline figures for a person at a shell; --json has them all."""
    def shown(value) -> str:
        return f"fewer than {report['min_group_size']} people" if value is None else f"{value:,}"

    totals, conversations = report["totals"], report["conversations"]
    group = f", {report['group']['kind']} {report['group']['name']}" if report["group"] else ""
    lines = [
        f"Usage as of {report['as_of']} ({report['timezone']}{group})",
        f"  users {shown(totals['users'])}, projects {shown(totals['projects'])}, files {shown(totals['files'])}",
        f"  conversations: last 7 days {shown(conversations['last_7_days'])}, last 30 days "
        f"{shown(conversations['last_30_days'])}, all time {shown(conversations['all_time'])}",
    ]
    lines += [
        f"  {week['week']}{' (partial)' if week['partial'] else ''}: {shown(week['active_users'])} active, "
        f"{shown(week['seats'])} seats, {shown(week['conversations'])} conversations"
        for week in report["weekly"][-4:]
    ]
    lines.append("Every figure, per day, week and member: usage_report --json")
    return "\n".join(lines)


def _week(figures: rollout.WeekFigures) -> dict:
    return {
        "week": figures.week,
        "start": figures.start.isoformat(),
        "partial": figures.partial,
        "active_users": figures.active_users,
        "seats": figures.seats,
        "utilisation": figures.utilisation,
        "conversations": figures.conversations,
        "conversations_per_active_user": figures.conversations_per_active_user,
        "code_active_users": figures.code_active_users,
        "any_active_users": figures.any_active_users,
        "sessions": figures.sessions,
        "sessions_per_code_active_user": figures.sessions_per_code_active_user,
        "plugin_users": figures.plugin_users,
        "plugin_adoption": figures.plugin_adoption,
        "support_tickets": figures.support_tickets,
        "tickets_per_100_code_active_users": figures.tickets_per_100_code_active_users,
        "suppressed": figures.suppressed,
    }


def _utc_z(instant) -> str:
    return instant.astimezone(ZoneInfo("UTC")).isoformat(timespec="microseconds").replace("+00:00", "Z")
