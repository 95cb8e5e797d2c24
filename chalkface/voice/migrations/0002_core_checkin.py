"""Load the core check-in (version 1, English and Welsh) from ``chalkface.voice.core_checkin``."""

from django.db import migrations


def load(apps, schema_editor):
    from chalkface.voice import core_checkin

    QuestionSet = apps.get_model("voice", "QuestionSet")
    QuestionSetVersion = apps.get_model("voice", "QuestionSetVersion")
    Question = apps.get_model("voice", "Question")
    question_set, _ = QuestionSet.objects.get_or_create(
        slug=core_checkin.SLUG, defaults={"name": core_checkin.NAME, "name_cy": core_checkin.NAME_CY}
    )
    if question_set.versions.exists():
        return
    version = QuestionSetVersion.objects.create(question_set=question_set, number=1, note="As shipped")
    Question.objects.bulk_create(
        Question(version=version, position=position, **definition)
        for position, definition in enumerate(core_checkin.QUESTIONS, start=1)
    )


def unload(apps, schema_editor):
    QuestionSet = apps.get_model("voice", "QuestionSet")
    Question = apps.get_model("voice", "Question")
    QuestionSetVersion = apps.get_model("voice", "QuestionSetVersion")
    from chalkface.voice import core_checkin

    Question.objects.filter(version__question_set__slug=core_checkin.SLUG).delete()
    QuestionSetVersion.objects.filter(question_set__slug=core_checkin.SLUG).delete()
    QuestionSet.objects.filter(slug=core_checkin.SLUG).delete()


class Migration(migrations.Migration):
    dependencies = [("voice", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
