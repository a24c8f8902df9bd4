"""matters: owner, documents, steps, phone, ID number, due and finished times

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

import minzi.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("program_cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("owner_username", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("owner_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("documents", sa.JSON(), nullable=False,
                                      server_default="{}"))
        batch_op.add_column(sa.Column("steps_done", sa.JSON(), nullable=False,
                                      server_default="[]"))
        batch_op.add_column(sa.Column("id_number", sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column("due_at", minzi.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("finished_at", minzi.db.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_program_cases_phone"), ["phone"], unique=False)
        batch_op.create_index(batch_op.f("ix_program_cases_owner_username"),
                              ["owner_username"], unique=False)
    with op.batch_alter_table("program_cases", schema=None) as batch_op:
        batch_op.alter_column("documents", server_default=None)
        batch_op.alter_column("steps_done", server_default=None)


def downgrade():
    with op.batch_alter_table("program_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_cases_owner_username"))
        batch_op.drop_index(batch_op.f("ix_program_cases_phone"))
        for column in ("finished_at", "due_at", "id_number", "steps_done", "documents",
                       "owner_name", "owner_username", "phone"):
            batch_op.drop_column(column)
