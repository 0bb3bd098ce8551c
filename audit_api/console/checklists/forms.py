"""The upload form of the checklists area: a definition as text, or as a file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import TextAreaField

ACCEPT = ".yaml,.yml,.json,application/json,application/yaml,text/yaml,text/plain"


class UploadForm(FlaskForm):
    """A checklist definition in YAML or JSON: typed or pasted, or a file chosen instead."""

    definition = TextAreaField(
        _l("Checklist definition (YAML or JSON)"),
        render_kw={"rows": 24, "spellcheck": "false", "autocapitalize": "off"},
    )
    file = FileField(_l("Or choose a file"), render_kw={"accept": ACCEPT})

    def text(self) -> str | None:
        """The definition's text: the file's when one was chosen, else the text area's."""
        upload = self.file.data
        if upload and upload.filename:
            try:
                self.definition.data = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.file.errors = [_l("The file is not UTF-8 text.")]
                return None
        return self.definition.data or None
