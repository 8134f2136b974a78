"""The sweep's rows keep plain ids (issue 14): no foreign key from deadline_alerts to
deadlines nor from notifications to users. The sweep inserts both by the hundred thousand and
each key was checked, with a share lock on the referenced row, one row at a time (about a
quarter of the 100k sweep on PostgreSQL). Deadlines are deleted only by the deadlines service,
which drops their alerts first; users are deactivated, never deleted.

Revision ID: 0026_sweep_plain_alert_ids
Revises: 0025_plans_contact_owner
"""
from alembic import op

revision = "0026_sweep_plain_alert_ids"
down_revision = "0025_plans_contact_owner"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("deadline_alerts") as batch_op:
        batch_op.drop_constraint("fk_deadline_alerts_deadline_id_deadlines", type_="foreignkey")
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.drop_constraint("fk_notifications_user_id_users", type_="foreignkey")


def downgrade():
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.create_foreign_key("fk_notifications_user_id_users", "users", ["user_id"], ["id"])
    with op.batch_alter_table("deadline_alerts") as batch_op:
        batch_op.create_foreign_key("fk_deadline_alerts_deadline_id_deadlines", "deadlines",
                                    ["deadline_id"], ["id"], ondelete="CASCADE")
