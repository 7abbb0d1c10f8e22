# Written by hand (the same operation makemigrations generates): e-mail verification, issue 9.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('users', '0002_activity'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='email_verified',
            field=models.BooleanField(default=False, help_text='Whether the owner of the address has followed the link of a verification e-mail.'),
        ),
    ]
