from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('supervision', '0003_perf_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='supervisionitem',
            index=models.Index(fields=['state', '-year', '-serial'], name='supervision_state_number'),
        ),
    ]
