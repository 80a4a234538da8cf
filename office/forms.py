from django import forms

from office.models import Body, Unit


class PersonSearchForm(forms.Form):
    q = forms.CharField(label="查找", required=False, max_length=50, widget=forms.TextInput(attrs={"placeholder": "姓名、职务、编号或电话"}))
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.filter(is_active=True), required=False, empty_label="全部单位")
    body = forms.ChoiceField(label="机构", choices=[("", "全部")] + list(Body.choices), required=False)
    include_inactive = forms.BooleanField(label="含已离任", required=False)


class PeopleImportForm(forms.Form):
    MAX_BYTES = 5 * 1024 * 1024

    file = forms.FileField(label="人员名单文件", help_text="Excel（.xlsx）或 CSV，第一行为表头")
    dry_run = forms.BooleanField(label="只检查，不导入", required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("只支持 .xlsx 或 .csv 文件")
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("文件不能超过 5 MB")
        return upload
