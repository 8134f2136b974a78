"""Settings hold text templates too (the signing form's payment terms and breach liability):
the value column becomes unbounded text.

Revision ID: 0010_flow_setting_text
Revises: 0009_sec_sessions_submissions
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_flow_setting_text"
down_revision = "0009_sec_sessions_submissions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("settings") as batch:
        batch.alter_column("value", type_=sa.Text(), existing_type=sa.String(100),
                           existing_nullable=False)


def downgrade():
    with op.batch_alter_table("settings") as batch:
        batch.alter_column("value", type_=sa.String(100), existing_type=sa.Text(),
                           existing_nullable=False)
