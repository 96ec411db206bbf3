"""The groups that decide what a person may see. Created by a data migration."""

USAGE_VIEWERS = "Usage viewers"
LOG_IMPORTERS = "Log importers"

DASHBOARD_PERMISSION = "analytics.view_dashboard"
UPLOAD_PERMISSION = "analytics.add_upload"
