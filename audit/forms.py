"""The name reveal's form: a justification, kept in the access log."""

from django import forms


class RevealForm(forms.Form):
    justification = forms.CharField(
        label="Why do you need to see names?",
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="For example the coaching conversation or HR case this is for. It is kept in the access log.",
        error_messages={
            "required": "Say why you need to see names; the justification is kept in the access log.",
            "min_length": "Give a little more detail (at least %(limit_value)d characters).",
        },
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)
