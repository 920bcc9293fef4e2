"""Rows into PostgreSQL by COPY, for the benchmark's bulk data.

`bulk_create` spent two thirds of the fill in Python (model instances, per-value preparation,
one large INSERT statement each batch). Here a model's table gets, once, a template row: every
column's value as Django would save a model built with `fixed` (defaults, `auto_now_add`),
prepared for the database. Each row then names only the columns that differ, and goes to
PostgreSQL by `COPY … FROM STDIN`. Primary keys are taken from the table's identity sequence
in one call, so rows of one table can point at rows of another before either is written.
"""

from django.db import connection


class Table:
    def __init__(self, model, **fixed):
        self.model = model
        self.name = model._meta.db_table
        self.fields = list(model._meta.concrete_fields)
        self.columns = [field.column for field in self.fields]
        template = model(**fixed)
        self.template = {
            field.attname: field.get_db_prep_save(
                field.pre_save(template, add=True), connection=connection
            )
            for field in self.fields
        }
        self.index = {field.attname: i for i, field in enumerate(self.fields)}

    def ids(self, count):
        """`count` new primary keys, reserved on the table's sequence in one statement."""
        if count == 0:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                [self.name, self.name, count],
            )
            last = cursor.fetchone()[0]
        return list(range(last - count + 1, last + 1))

    def copy(self, rows):
        """Write rows given as {attname: value} (ids included) over the template row."""
        base = [self.template[field.attname] for field in self.fields]
        index = self.index
        columns = ", ".join(f'"{column}"' for column in self.columns)
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f'COPY "{self.name}" ({columns}) FROM STDIN') as copy:
                for values in rows:
                    row = base.copy()
                    for attname, value in values.items():
                        row[index[attname]] = value
                    copy.write_row(row)
