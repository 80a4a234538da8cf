from django import forms

from office.models import Body, Unit
from office.uploads import MB, validate_upload


class PersonSearchForm(forms.Form):
    q = forms.CharField(label="查找", required=False, max_length=50, widget=forms.TextInput(attrs={"placeholder": "姓名、职务、编号或电话"}))
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.filter(is_active=True), required=False, empty_label="全部单位")
    body = forms.ChoiceField(label="机构", choices=[("", "全部")] + list(Body.choices), required=False)
    include_inactive = forms.BooleanField(label="含已离任", required=False)


class PeopleImportForm(forms.Form):
    MAX_BYTES = 5 * MB
    EXTENSIONS = (".xlsx", ".csv")

    file = forms.FileField(label="人员名单文件", help_text="Excel（.xlsx）或 CSV，第一行为表头")
    dry_run = forms.BooleanField(label="只检查，不导入", required=False)

    def clean_file(self):
        return validate_upload(
            self.cleaned_data["file"], extensions=self.EXTENSIONS, max_bytes=self.MAX_BYTES, kinds_label="Excel（.xlsx）或 CSV 文件"
        )
