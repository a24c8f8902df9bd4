"""every case gets a public id for Open311, apart from the resident's tracking code

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 18:20:00
"""
import secrets

from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('public_id', sa.String(length=16), nullable=True))
    cases = sa.table('cases', sa.column('id', sa.Integer), sa.column('public_id', sa.String))
    connection = op.get_bind()
    for (case_id,) in connection.execute(sa.select(cases.c.id)).all():
        connection.execute(cases.update().where(cases.c.id == case_id)
                           .values(public_id="R" + secrets.token_hex(6).upper()))
    with op.batch_alter_table('cases') as batch:
        batch.alter_column('public_id', existing_type=sa.String(length=16), nullable=False)
        batch.create_unique_constraint('uq_cases_public_id', ['public_id'])


def downgrade():
    with op.batch_alter_table('cases') as batch:
        batch.drop_constraint('uq_cases_public_id', type_='unique')
        batch.drop_column('public_id')
