"""The groups that decide what a person may see. Created by data migrations (analytics 0002-0005).

A person may hold several; superusers may do everything, and are logged like everyone.
"""

USAGE_VIEWERS = "Usage viewers"
INDIVIDUAL_VIEWERS = "Individual-detail viewers"
LOG_IMPORTERS = "Log importers"
PRIVACY_AUDITORS = "Privacy auditors"
ROLLOUT_CHAMPIONS = "Rollout champions"

DASHBOARD_PERMISSION = "usage.view_dashboard"
MEMBER_DETAIL_PERMISSION = "usage.view_member_detail"
ACCESS_LOG_PERMISSION = "audit.view_accessrecord"

# What each group may do, as app_label.codename.
GROUP_PERMISSIONS = {
    USAGE_VIEWERS: ["usage.view_dashboard"],
    INDIVIDUAL_VIEWERS: ["usage.view_dashboard", "usage.view_member_detail"],
    LOG_IMPORTERS: ["ingest.add_upload", "ingest.view_upload", "people.view_rosterentry", "people.add_rosterentry", "people.change_rosterentry"],
    PRIVACY_AUDITORS: [
        "audit.view_accessrecord",
        "portal.view_retentionsettings",
        "portal.change_retentionsettings",
        "portal.view_retentionsettingschange",
        "retention.view_purgereceipt",
    ],
    ROLLOUT_CHAMPIONS: ["usage.view_dashboard", "notes.view_championnote", "notes.add_championnote", "notes.change_championnote", "notes.delete_championnote"],
}

# What each role may see, in words (the transparency page).
ROLE_DESCRIPTIONS = {
    USAGE_VIEWERS: "The usage dashboard's aggregate figures; never a per-person row.",
    INDIVIDUAL_VIEWERS: "The dashboard with per-member tables under pseudonyms; names only after a justified, logged reveal.",
    LOG_IMPORTERS: "Uploads of the exported files and their data health (records per day, the days covered); no figures about people.",
    PRIVACY_AUDITORS: "The access log, the retention settings and the purge receipts; no usage figures about individuals.",
    ROLLOUT_CHAMPIONS: "The aggregate dashboards, and dated notes about the rollout (never about people).",
}
