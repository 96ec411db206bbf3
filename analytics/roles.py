"""The groups that decide what a person may see. Created by data migrations (0002, 0003).

A person may hold several; superusers may do everything, and are logged like everyone.
"""

USAGE_VIEWERS = "Usage viewers"
INDIVIDUAL_VIEWERS = "Individual-detail viewers"
LOG_IMPORTERS = "Log importers"
PRIVACY_AUDITORS = "Privacy auditors"
ROLLOUT_CHAMPIONS = "Rollout champions"

DASHBOARD_PERMISSION = "analytics.view_dashboard"
MEMBER_DETAIL_PERMISSION = "analytics.view_member_detail"
UPLOAD_PERMISSION = "analytics.add_upload"
ACCESS_LOG_PERMISSION = "analytics.view_accessrecord"

# What each group may do (codenames in the analytics app).
GROUP_PERMISSIONS = {
    USAGE_VIEWERS: ["view_dashboard"],
    INDIVIDUAL_VIEWERS: ["view_dashboard", "view_member_detail"],
    LOG_IMPORTERS: ["add_upload", "view_upload", "view_rosterentry", "add_rosterentry", "change_rosterentry"],
    PRIVACY_AUDITORS: [
        "view_accessrecord",
        "view_retentionsettings",
        "change_retentionsettings",
        "view_retentionsettingschange",
        "view_purgereceipt",
    ],
    ROLLOUT_CHAMPIONS: ["view_dashboard", "view_championnote", "add_championnote", "change_championnote", "delete_championnote"],
}

# What each role may see, in words (the transparency page).
ROLE_DESCRIPTIONS = {
    USAGE_VIEWERS: "The usage dashboard's aggregate figures; never a per-person row.",
    INDIVIDUAL_VIEWERS: "The dashboard with per-member tables under pseudonyms; names only after a justified, logged reveal.",
    LOG_IMPORTERS: "Uploads of audit-log exports; no usage figures.",
    PRIVACY_AUDITORS: "The access log, the retention settings and the purge receipts; no usage figures about individuals.",
    ROLLOUT_CHAMPIONS: "The aggregate dashboards, and dated notes about the rollout (never about people).",
}
