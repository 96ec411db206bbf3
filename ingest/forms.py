"""The upload form, shared by the portal's upload page and the admin."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from ingest.models import Upload


class UploadForm(forms.ModelForm):
    class Meta:
        model = Upload
        fields = ["file", "covers_date"]
        labels = {"file": "File", "covers_date": "Date the file covers (UTC)"}
        help_texts = {
            "file": "The audit-log export as downloaded (ZIP), the CSV inside it, or the same events as JSON "
            "or JSON lines; a Claude Code usage-report page, an analytics API /summaries or /users page, "
            "OpenTelemetry collector lines, a spend report CSV or a help-desk ticket export. The format is read "
            "from the content. Overlapping files are fine: records already stored are skipped or replaced.",
            "covers_date": "Only for an analytics API /users page, which does not say which UTC date it covers.",
        }
        widgets = {"covers_date": forms.DateInput(attrs={"type": "date"})}

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {filesizeformat(file.size)}; the limit is {filesizeformat(settings.UPLOAD_MAX_BYTES)}."
            )
        return file
