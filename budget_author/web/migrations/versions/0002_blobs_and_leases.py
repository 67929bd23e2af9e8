"""blobs (inputs and outputs in the database), job leases, batch jobs

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05 16:20:00

Workers on other machines share nothing with the web server but the broker and the database: the uploaded
workbooks and every build output are rows of `blobs` (by SHA-256), a finished job's outputs are listed in
`job_files`. A job carries its lease (claim, worker, lease_until) and when its message was last sent, and may
be a batch unit (`build DIR --queue`) instead of a version's build.
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha256')
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.alter_column('version_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('workbook_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('workbook_name', sa.String(length=255), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('batch', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('params_json', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('result_json', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('claim', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('worker', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('sent_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_jobs_batch'), ['batch'], unique=False)
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.alter_column('workbook_name', server_default=None)
    op.create_table('job_files',
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], ),
    sa.ForeignKeyConstraint(['sha256'], ['blobs.sha256'], ),
    sa.PrimaryKeyConstraint('job_id', 'name')
    )


def downgrade() -> None:
    op.drop_table('job_files')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_batch'))
        for column in ('sent_at', 'lease_until', 'worker', 'claim', 'result_json', 'params_json', 'batch',
                       'workbook_name', 'workbook_sha256'):
            batch_op.drop_column(column)
        batch_op.alter_column('version_id', existing_type=sa.Integer(), nullable=False)
    op.drop_table('blobs')
