"""Make loaded rule sets immutable at the database level (README rule 9).

Parts, sections, criteria, options and star bands refuse every UPDATE. A rule set row refuses an
UPDATE that changes its content; only the officer confirmation may change `status`
(unverified_transcription → verified_official) and the confirmation columns. DELETE stays possible
for unused rule sets (foreign keys from evaluations PROTECT used ones) and for the test runner.
"""

from django.db import migrations

CHILD_TABLES = (
    "criteria_part",
    "criteria_section",
    "criteria_criterion",
    "criteria_option",
    "criteria_starband",
)
CONTENT_COLUMNS = (
    "code",
    "title_vi",
    "title_en",
    "legal_basis",
    "instrument",
    "search_text",
    "effective_from",
    "effective_to",
    "classification_code",
    "applies_to_all",
    "confidence",
    "verification",
    "content_hash",
    "source_text",
    "source_format",
    "source_sha256",
    "source_name",
    "scale_total",
    "aggregation",
    "recognition",
    "known_issues",
    "supersedes_id",
    "is_demo",
    "created_at",
    "created_by_id",
)
STATUS_MOVE = (
    "NEW.status IS NOT OLD.status AND NOT "
    "(OLD.status = 'unverified_transcription' AND NEW.status = 'verified_official')"
)


def _pg_up() -> str:
    new = ", ".join(f"NEW.{c}" for c in CONTENT_COLUMNS)
    old = ", ".join(f"OLD.{c}" for c in CONTENT_COLUMNS)
    sql = [
        """
CREATE OR REPLACE FUNCTION criteria_rows_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION USING
    MESSAGE = TG_TABLE_NAME || ' rows are immutable once loaded', ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
""",
        f"""
CREATE OR REPLACE FUNCTION criteria_ruleset_immutable() RETURNS trigger AS $$
BEGIN
  IF ROW({new}) IS DISTINCT FROM ROW({old}) THEN
    RAISE EXCEPTION 'criteria_ruleset content is immutable once loaded'
      USING ERRCODE = 'restrict_violation';
  END IF;
  IF NEW.status IS DISTINCT FROM OLD.status AND NOT
     (OLD.status = 'unverified_transcription' AND NEW.status = 'verified_official') THEN
    RAISE EXCEPTION 'criteria_ruleset status moves only by officer confirmation'
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER criteria_ruleset_no_content_update BEFORE UPDATE ON criteria_ruleset
  FOR EACH ROW EXECUTE FUNCTION criteria_ruleset_immutable();
""",
    ]
    sql += [
        f"CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t} "
        "FOR EACH ROW EXECUTE FUNCTION criteria_rows_immutable();"
        for t in CHILD_TABLES
    ]
    return "\n".join(sql)


def _pg_down() -> str:
    sql = [f"DROP TRIGGER IF EXISTS {t}_no_update ON {t};" for t in CHILD_TABLES]
    sql += [
        "DROP TRIGGER IF EXISTS criteria_ruleset_no_content_update ON criteria_ruleset;",
        "DROP FUNCTION IF EXISTS criteria_ruleset_immutable();",
        "DROP FUNCTION IF EXISTS criteria_rows_immutable();",
    ]
    return "\n".join(sql)


def _sqlite_up() -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in CONTENT_COLUMNS)
    statements = [
        f"CREATE TRIGGER IF NOT EXISTS criteria_ruleset_no_content_update "
        f"BEFORE UPDATE ON criteria_ruleset WHEN {changed} OR ({STATUS_MOVE}) "
        "BEGIN SELECT RAISE(ABORT, 'criteria_ruleset content is immutable once loaded'); END;"
    ]
    statements += [
        f"CREATE TRIGGER IF NOT EXISTS {t}_no_update BEFORE UPDATE ON {t} "
        f"BEGIN SELECT RAISE(ABORT, '{t} rows are immutable once loaded'); END;"
        for t in CHILD_TABLES
    ]
    return statements


def _sqlite_down() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {t}_no_update;" for t in CHILD_TABLES] + [
        "DROP TRIGGER IF EXISTS criteria_ruleset_no_content_update;"
    ]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_pg_up())
    elif vendor == "sqlite":
        for statement in _sqlite_up():
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_pg_down())
    elif vendor == "sqlite":
        for statement in _sqlite_down():
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("criteria", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
