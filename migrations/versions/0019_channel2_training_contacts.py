"""Channel enablement (issue 18, R-63): dealer training sessions with their attendees per
dealer, promotional materials handed to dealers; dealers' further contacts (the main contact
stays on the dealer's row).

Revision ID: 0019_channel2_training_contacts
Revises: 0018_picker_sort_indexes
"""
from alembic import op
import sqlalchemy as sa

import crm.base


# revision identifiers, used by Alembic.
revision = '0019_channel2_training_contacts'
down_revision = "0018_picker_sort_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dealer_trainings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('search_key', sa.String(length=800), nullable=False),
    sa.Column('trainer', sa.String(length=100), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('dealer_count', sa.Integer(), nullable=False),
    sa.Column('people_count', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_dealer_trainings_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dealer_trainings'))
    )
    with op.batch_alter_table('dealer_trainings', schema=None) as batch_op:
        batch_op.create_index('ix_dealer_trainings_held', ['held_on', 'id'], unique=False)
        batch_op.create_index('ix_dealer_trainings_search', ['search_key', 'id'], unique=False)

    op.create_table('dealer_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dealer_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=50), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('email', sa.String(length=120), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dealer_id'], ['dealers.id'], name=op.f('fk_dealer_contacts_dealer_id_dealers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dealer_contacts'))
    )
    with op.batch_alter_table('dealer_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dealer_contacts_dealer_id'), ['dealer_id'], unique=False)

    op.create_table('dealer_materials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dealer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('item', sa.String(length=200), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('handed_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('handed_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dealer_id'], ['dealers.id'], name=op.f('fk_dealer_materials_dealer_id_dealers')),
    sa.ForeignKeyConstraint(['handed_by_id'], ['users.id'], name=op.f('fk_dealer_materials_handed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dealer_materials'))
    )
    with op.batch_alter_table('dealer_materials', schema=None) as batch_op:
        batch_op.create_index('ix_dealer_materials_dealer', ['dealer_id', 'handed_on'], unique=False)
        batch_op.create_index('ix_dealer_materials_handed', ['handed_on', 'id', 'kind', 'quantity'], unique=False)

    op.create_table('dealer_training_attendees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('training_id', sa.Integer(), nullable=False),
    sa.Column('dealer_id', sa.Integer(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dealer_id'], ['dealers.id'], name=op.f('fk_dealer_training_attendees_dealer_id_dealers')),
    sa.ForeignKeyConstraint(['training_id'], ['dealer_trainings.id'], name=op.f('fk_dealer_training_attendees_training_id_dealer_trainings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dealer_training_attendees')),
    sa.UniqueConstraint('training_id', 'dealer_id', name=op.f('uq_dealer_training_attendees_training_id'))
    )
    with op.batch_alter_table('dealer_training_attendees', schema=None) as batch_op:
        batch_op.create_index('ix_dealer_training_attendees_dealer', ['dealer_id', 'training_id'], unique=False)


def downgrade():
    with op.batch_alter_table('dealer_training_attendees', schema=None) as batch_op:
        batch_op.drop_index('ix_dealer_training_attendees_dealer')

    op.drop_table('dealer_training_attendees')
    with op.batch_alter_table('dealer_materials', schema=None) as batch_op:
        batch_op.drop_index('ix_dealer_materials_handed')
        batch_op.drop_index('ix_dealer_materials_dealer')

    op.drop_table('dealer_materials')
    with op.batch_alter_table('dealer_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dealer_contacts_dealer_id'))

    op.drop_table('dealer_contacts')
    with op.batch_alter_table('dealer_trainings', schema=None) as batch_op:
        batch_op.drop_index('ix_dealer_trainings_search')
        batch_op.drop_index('ix_dealer_trainings_held')

    op.drop_table('dealer_trainings')
