"""No free text, ever (issue 20): an answer typed by a girl can hold her name or a
disclosure of abuse. The free-text kind is removed: every answer stored through such an
item is deleted (free text never entered a score, so no score changes), then the items
themselves; the database then refuses an answer with text and an item of an unknown kind.
"""

from django.db import migrations, models

FREE_TEXT = "free_text"


def remove_free_text(apps, schema_editor):
    Item = apps.get_model("assessments", "Item")
    Answer = apps.get_model("assessments", "Answer")
    items = Item.objects.filter(kind=FREE_TEXT)
    Answer.objects.filter(item__in=items).delete()
    # Any other answer holding text (none should) loses it.
    Answer.objects.exclude(text="").update(text="")
    items.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0011_names_refuse_invisible_controls"),
    ]

    operations = [
        migrations.RunPython(remove_free_text, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="item",
            name="kind",
            field=models.CharField(
                choices=[
                    ("knowledge_choice", "knowledge: multiple choice"),
                    ("knowledge_true_false", "knowledge: true / false / don't know"),
                    ("self_efficacy", "self-efficacy (1–5)"),
                    ("intention", "behavioural intention (1–5)"),
                ],
                max_length=32,
                verbose_name="kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="answer",
            constraint=models.CheckConstraint(
                condition=models.Q(("text", "")), name="answer_stores_no_text"
            ),
        ),
        migrations.AddConstraint(
            model_name="item",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "kind__in",
                        ["knowledge_choice", "knowledge_true_false", "self_efficacy", "intention"],
                    )
                ),
                name="item_kind_known",
            ),
        ),
    ]
