"""The groups that decide what a person may see. Created by a data migration."""

USAGE_VIEWERS = "Usage viewers"
LOG_IMPORTERS = "Log importers"

DASHBOARD_PERMISSION = "analytics.view_dashboard"
UPLOAD_PERMISSION = "analytics.add_upload"

# What each group may do (codenames in the analytics app); migration 0002 creates them.
GROUP_PERMISSIONS = {
    USAGE_VIEWERS: ["view_dashboard"],
    LOG_IMPORTERS: ["add_upload", "view_upload"],
}
