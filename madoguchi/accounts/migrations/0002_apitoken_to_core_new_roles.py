# ApiToken's model moved to core (state only; the table stays). New roles: analyst, DX help desk,
# human resources, survey tablet device.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ApiToken")],
            database_operations=[],
        ),
        migrations.RemoveConstraint(model_name="user", name="user_role_valid"),
        migrations.AlterField(
            model_name="user",
            name="role",
            field=models.CharField(choices=[("reception", "Reception clerk"), ("counter", "Counter clerk"), ("supervisor", "Supervisor"), ("administrator", "Administrator"), ("analyst", "Analyst (read-only figures)"), ("dx_desk", "DX help desk"), ("hr", "Human resources"), ("kiosk", "Kiosk device"), ("display", "Call display device"), ("survey_tablet", "Survey tablet device")], max_length=20, verbose_name="role"),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(condition=models.Q(("role__in", ["reception", "counter", "supervisor", "administrator", "analyst", "dx_desk", "hr", "kiosk", "display", "survey_tablet"])), name="user_role_valid"),
        ),
    ]
