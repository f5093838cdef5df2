"""Case store: the SSD-style case tables (generated from grip/casedata/format.yaml 2026-11).

Revision ID: 0010_casedata
Revises: 0001_base
Create Date: 2026-11-22 14:42:10.141242
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_casedata"
down_revision: str | Sequence[str] | None = "0001_base"
branch_labels: str | Sequence[str] | None = ("casedata",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "grip_adopters",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("adop_adopter_id", sa.String(length=48), nullable=False),
        sa.Column("adop_number_of_adopters", sa.Integer(), nullable=False),
        sa.Column("adop_enquiry_date", sa.Date(), nullable=False),
        sa.Column("adop_stage1_start_date", sa.Date(), nullable=True),
        sa.Column("adop_stage1_end_date", sa.Date(), nullable=True),
        sa.Column("adop_stage2_start_date", sa.Date(), nullable=True),
        sa.Column("adop_application_date", sa.Date(), nullable=True),
        sa.Column("adop_approval_date", sa.Date(), nullable=True),
        sa.Column("adop_matched_date", sa.Date(), nullable=True),
        sa.Column("adop_matched_person_id", sa.String(length=48), nullable=True),
        sa.Column("adop_placed_date", sa.Date(), nullable=True),
        sa.Column("adop_number_of_children_placed", sa.Integer(), nullable=True),
        sa.Column("adop_leaving_date", sa.Date(), nullable=True),
        sa.Column("adop_leaving_reason", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_grip_adopters_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "adop_adopter_id", name=op.f("pk_grip_adopters")),
        comment="Prospective adopter households (not in the SSD; Ofsted adoption dataset).",
    )
    op.create_table(
        "grip_cin_reviews",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("cinr_cin_review_id", sa.String(length=48), nullable=False),
        sa.Column("cinr_person_id", sa.String(length=48), nullable=False),
        sa.Column("cinr_cin_plan_id", sa.String(length=48), nullable=False),
        sa.Column("cinr_cin_review_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_grip_cin_reviews_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "cinr_cin_review_id", name=op.f("pk_grip_cin_reviews")),
        comment=(
            "Child in need plan reviews (not in the SSD; "
            "Southwark QA framework 2015 sets the timescales)."
        ),
    )
    with op.batch_alter_table("grip_cin_reviews", schema=None) as batch_op:
        batch_op.create_index(
            "ix_grip_cin_reviews_person", ["la_code", "cinr_person_id"], unique=False
        )

    op.create_table(
        "ssd_care_leavers",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("clea_table_id", sa.String(length=48), nullable=False),
        sa.Column("clea_person_id", sa.String(length=48), nullable=False),
        sa.Column("clea_care_leaver_eligibility", sa.String(length=32), nullable=False),
        sa.Column("clea_care_leaver_in_touch", sa.String(length=32), nullable=False),
        sa.Column("clea_care_leaver_latest_contact", sa.Date(), nullable=True),
        sa.Column("clea_care_leaver_accommodation", sa.String(length=32), nullable=True),
        sa.Column("clea_care_leaver_accom_suitable", sa.Boolean(), nullable=True),
        sa.Column("clea_care_leaver_activity", sa.String(length=32), nullable=True),
        sa.Column("clea_pathway_plan_review_date", sa.Date(), nullable=True),
        sa.Column("clea_care_leaver_personal_advisor_id", sa.String(length=48), nullable=True),
        sa.Column("clea_care_leaver_allocated_team_id", sa.String(length=48), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_care_leavers_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "clea_table_id", name=op.f("pk_ssd_care_leavers")),
        comment="Care leavers, latest position.",
    )
    with op.batch_alter_table("ssd_care_leavers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ssd_care_leavers_person", ["la_code", "clea_person_id"], unique=False
        )

    op.create_table(
        "ssd_cin_assessments",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("cina_assessment_id", sa.String(length=48), nullable=False),
        sa.Column("cina_person_id", sa.String(length=48), nullable=False),
        sa.Column("cina_referral_id", sa.String(length=48), nullable=False),
        sa.Column("cina_assessment_start_date", sa.Date(), nullable=False),
        sa.Column("cina_assessment_child_seen", sa.Boolean(), nullable=True),
        sa.Column("cina_assessment_auth_date", sa.Date(), nullable=True),
        sa.Column("cina_assessment_outcome", sa.String(length=32), nullable=True),
        sa.Column("cina_assessment_team_id", sa.String(length=48), nullable=True),
        sa.Column("cina_assessment_worker_id", sa.String(length=48), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_cin_assessments_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "la_code", "cina_assessment_id", name=op.f("pk_ssd_cin_assessments")
        ),
        comment="Child and family (single) assessments.",
    )
    with op.batch_alter_table("ssd_cin_assessments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ssd_cin_assessments_person", ["la_code", "cina_person_id"], unique=False
        )

    op.create_table(
        "ssd_cin_episodes",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("cine_referral_id", sa.String(length=48), nullable=False),
        sa.Column("cine_person_id", sa.String(length=48), nullable=False),
        sa.Column("cine_contact_id", sa.String(length=48), nullable=True),
        sa.Column("cine_referral_date", sa.Date(), nullable=False),
        sa.Column("cine_referral_source_code", sa.String(length=32), nullable=False),
        sa.Column("cine_cin_primary_need_code", sa.String(length=32), nullable=True),
        sa.Column("cine_referral_nfa", sa.Boolean(), nullable=False),
        sa.Column("cine_close_reason", sa.String(length=32), nullable=True),
        sa.Column("cine_close_date", sa.Date(), nullable=True),
        sa.Column("cine_referral_team_id", sa.String(length=48), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_cin_episodes_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "cine_referral_id", name=op.f("pk_ssd_cin_episodes")),
        comment="Referrals to children's social care and the CIN episodes they open.",
    )
    with op.batch_alter_table("ssd_cin_episodes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ssd_cin_episodes_person", ["la_code", "cine_person_id"], unique=False
        )

    op.create_table(
        "ssd_cin_plans",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("cinp_cin_plan_id", sa.String(length=48), nullable=False),
        sa.Column("cinp_person_id", sa.String(length=48), nullable=False),
        sa.Column("cinp_referral_id", sa.String(length=48), nullable=False),
        sa.Column("cinp_cin_plan_start_date", sa.Date(), nullable=False),
        sa.Column("cinp_cin_plan_end_date", sa.Date(), nullable=True),
        sa.Column("cinp_cin_plan_team_id", sa.String(length=48), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_cin_plans_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "cinp_cin_plan_id", name=op.f("pk_ssd_cin_plans")),
        comment="Child in need plans.",
    )
    with op.batch_alter_table("ssd_cin_plans", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ssd_cin_plans_person", ["la_code", "cinp_person_id"], unique=False
        )

    op.create_table(
        "ssd_cin_visits",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("cinv_cin_visit_id", sa.String(length=48), nullable=False),
        sa.Column("cinv_person_id", sa.String(length=48), nullable=False),
        sa.Column("cinv_cin_plan_id", sa.String(length=48), nullable=False),
        sa.Column("cinv_cin_visit_date", sa.Date(), nullable=False),
        sa.Column("cinv_cin_visit_seen", sa.Boolean(), nullable=False),
        sa.Column("cinv_cin_visit_seen_alone", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_cin_visits_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "cinv_cin_visit_id", name=op.f("pk_ssd_cin_visits")),
        comment="Visits to children on child in need plans.",
    )
    with op.batch_alter_table("ssd_cin_visits", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ssd_cin_visits_person", ["la_code", "cinv_person_id"], unique=False
        )

    op.create_table(
        "ssd_cla_episodes",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("clae_cla_episode_id", sa.String(length=48), nullable=False),
        sa.Column("clae_person_id", sa.String(length=48), nullable=False),
        sa.Column("clae_cla_id", sa.String(length=48), nullable=False),
        sa.Column("clae_referral_id", sa.String(length=48), nullable=True),
        sa.Column("clae_entered_care_date", sa.Date(), nullable=False),
        sa.Column("clae_cla_episode_start_date", sa.Date(), nullable=False),
        sa.Column("clae_cla_episode_start_reason", sa.String(length=32), nullable=False),
        sa.Column("clae_cla_primary_need_code", sa.String(length=32), nullable=False),
        sa.Column("clae_cla_episode_ceased_date", sa.Date(), nullable=True),
        sa.Column("clae_cla_episode_ceased_reason", sa.String(length=32), nullable=True),
        sa.Column("clae_cla_last_iro_contact_date", sa.Date(), nullable=True),
        sa.Column("clae_cla_team_id", sa.String(length=48), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_cla_episodes_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "clae_cla_episode_id", name=op.f("pk_ssd_cla_episodes")),
        comment="Looked-after episodes (SSDA903 episodes; a period of care is one or more consecutive episodes).",
    )
    with op.batch_alter_table("ssd_cla_episodes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ssd_cla_episodes_person", ["la_code", "clae_person_id"], unique=False
        )

    op.create_table(
        "ssd_cla_health",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("clah_health_check_id", sa.String(length=48), nullable=False),
        sa.Column("clah_person_id", sa.String(length=48), nullable=False),
        sa.Column("clah_health_check_type", sa.String(length=32), nullable=False),
        sa.Column("clah_health_check_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_cla_health_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "clah_health_check_id", name=op.f("pk_ssd_cla_health")),
        comment="Health assessments and dental checks of looked-after children.",
    )
    with op.batch_alter_table("ssd_cla_health", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ssd_cla_health_person", ["la_code", "clah_person_id"], unique=False
        )

    op.create_table(
        "ssd_cla_placement",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("clap_cla_placement_id", sa.String(length=48), nullable=False),
        sa.Column("clap_person_id", sa.String(length=48), nullable=False),
        sa.Column("clap_cla_id", sa.String(length=48), nullable=False),
        sa.Column("clap_cla_placement_start_date", sa.Date(), nullable=False),
        sa.Column("clap_cla_placement_end_date", sa.Date(), nullable=True),
        sa.Column("clap_cla_placement_type", sa.String(length=32), nullable=False),
        sa.Column("clap_cla_placement_provider", sa.String(length=32), nullable=False),
        sa.Column("clap_cla_placement_urn", sa.Text(), nullable=True),
        sa.Column("clap_cla_placement_postcode", sa.Text(), nullable=True),
        sa.Column("clap_cla_placement_la", sa.Text(), nullable=True),
        sa.Column("clap_cla_placement_distance", sa.Float(), nullable=True),
        sa.Column("clap_cla_placement_change_reason", sa.String(length=32), nullable=True),
        sa.Column("clap_cla_placement_long_term", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_cla_placement_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "la_code", "clap_cla_placement_id", name=op.f("pk_ssd_cla_placement")
        ),
        comment="Placements of looked-after children.",
    )
    with op.batch_alter_table("ssd_cla_placement", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ssd_cla_placement_person", ["la_code", "clap_person_id"], unique=False
        )

    op.create_table(
        "ssd_cla_reviews",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("clar_cla_review_id", sa.String(length=48), nullable=False),
        sa.Column("clar_person_id", sa.String(length=48), nullable=False),
        sa.Column("clar_cla_id", sa.String(length=48), nullable=False),
        sa.Column("clar_cla_review_date", sa.Date(), nullable=False),
        sa.Column("clar_cla_review_participation", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_cla_reviews_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "clar_cla_review_id", name=op.f("pk_ssd_cla_reviews")),
        comment="Looked-after reviews chaired by the IRO.",
    )
    with op.batch_alter_table("ssd_cla_reviews", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ssd_cla_reviews_person", ["la_code", "clar_person_id"], unique=False
        )

    op.create_table(
        "ssd_cla_visits",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("clav_cla_visit_id", sa.String(length=48), nullable=False),
        sa.Column("clav_person_id", sa.String(length=48), nullable=False),
        sa.Column("clav_cla_id", sa.String(length=48), nullable=False),
        sa.Column("clav_cla_visit_date", sa.Date(), nullable=False),
        sa.Column("clav_cla_visit_seen", sa.Boolean(), nullable=False),
        sa.Column("clav_cla_visit_seen_alone", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_cla_visits_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "clav_cla_visit_id", name=op.f("pk_ssd_cla_visits")),
        comment="Statutory visits to looked-after children.",
    )
    with op.batch_alter_table("ssd_cla_visits", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ssd_cla_visits_person", ["la_code", "clav_person_id"], unique=False
        )

    op.create_table(
        "ssd_contacts",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("cont_contact_id", sa.String(length=48), nullable=False),
        sa.Column("cont_person_id", sa.String(length=48), nullable=False),
        sa.Column("cont_contact_date", sa.Date(), nullable=False),
        sa.Column("cont_contact_source_code", sa.String(length=32), nullable=False),
        sa.Column("cont_contact_outcome", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_contacts_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "cont_contact_id", name=op.f("pk_ssd_contacts")),
        comment="Contacts about a child received by the front door.",
    )
    with op.batch_alter_table("ssd_contacts", schema=None) as batch_op:
        batch_op.create_index("ix_ssd_contacts_person", ["la_code", "cont_person_id"], unique=False)

    op.create_table(
        "ssd_cp_plans",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("cppl_cp_plan_id", sa.String(length=48), nullable=False),
        sa.Column("cppl_person_id", sa.String(length=48), nullable=False),
        sa.Column("cppl_referral_id", sa.String(length=48), nullable=False),
        sa.Column("cppl_icpc_id", sa.String(length=48), nullable=True),
        sa.Column("cppl_cp_plan_start_date", sa.Date(), nullable=False),
        sa.Column("cppl_cp_plan_end_date", sa.Date(), nullable=True),
        sa.Column("cppl_cp_plan_initial_category", sa.String(length=32), nullable=False),
        sa.Column("cppl_cp_plan_latest_category", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_cp_plans_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "cppl_cp_plan_id", name=op.f("pk_ssd_cp_plans")),
        comment="Child protection plans.",
    )
    with op.batch_alter_table("ssd_cp_plans", schema=None) as batch_op:
        batch_op.create_index("ix_ssd_cp_plans_person", ["la_code", "cppl_person_id"], unique=False)

    op.create_table(
        "ssd_cp_reviews",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("cppr_cp_review_id", sa.String(length=48), nullable=False),
        sa.Column("cppr_person_id", sa.String(length=48), nullable=False),
        sa.Column("cppr_cp_plan_id", sa.String(length=48), nullable=False),
        sa.Column("cppr_cp_review_date", sa.Date(), nullable=False),
        sa.Column("cppr_cp_review_outcome_continue_cp", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_cp_reviews_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "cppr_cp_review_id", name=op.f("pk_ssd_cp_reviews")),
        comment="Review child protection conferences.",
    )
    with op.batch_alter_table("ssd_cp_reviews", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ssd_cp_reviews_person", ["la_code", "cppr_person_id"], unique=False
        )

    op.create_table(
        "ssd_cp_visits",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("cppv_cp_visit_id", sa.String(length=48), nullable=False),
        sa.Column("cppv_person_id", sa.String(length=48), nullable=False),
        sa.Column("cppv_cp_plan_id", sa.String(length=48), nullable=False),
        sa.Column("cppv_cp_visit_date", sa.Date(), nullable=False),
        sa.Column("cppv_cp_visit_seen", sa.Boolean(), nullable=False),
        sa.Column("cppv_cp_visit_seen_alone", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_cp_visits_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "cppv_cp_visit_id", name=op.f("pk_ssd_cp_visits")),
        comment="Statutory visits to children on child protection plans.",
    )
    with op.batch_alter_table("ssd_cp_visits", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ssd_cp_visits_person", ["la_code", "cppv_person_id"], unique=False
        )

    op.create_table(
        "ssd_department",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("dept_team_id", sa.String(length=48), nullable=False),
        sa.Column("dept_team_name", sa.Text(), nullable=False),
        sa.Column("dept_team_parent_id", sa.String(length=48), nullable=True),
        sa.Column("dept_team_parent_name", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_department_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "dept_team_id", name=op.f("pk_ssd_department")),
        comment="Teams (practice groups) and the service above them.",
    )
    op.create_table(
        "ssd_disability",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("disa_table_id", sa.String(length=48), nullable=False),
        sa.Column("disa_person_id", sa.String(length=48), nullable=False),
        sa.Column("disa_disability_code", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_disability_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "disa_table_id", name=op.f("pk_ssd_disability")),
        comment="Disabilities, one row per person and code.",
    )
    with op.batch_alter_table("ssd_disability", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ssd_disability_person", ["la_code", "disa_person_id"], unique=False
        )

    op.create_table(
        "ssd_early_help_episodes",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("earl_episode_id", sa.String(length=48), nullable=False),
        sa.Column("earl_person_id", sa.String(length=48), nullable=False),
        sa.Column("earl_episode_start_date", sa.Date(), nullable=False),
        sa.Column("earl_episode_end_date", sa.Date(), nullable=True),
        sa.Column("earl_episode_reason", sa.Text(), nullable=True),
        sa.Column("earl_episode_end_reason", sa.Text(), nullable=True),
        sa.Column("earl_episode_organisation", sa.String(length=32), nullable=False),
        sa.Column("earl_episode_worker_id", sa.String(length=48), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_early_help_episodes_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "la_code", "earl_episode_id", name=op.f("pk_ssd_early_help_episodes")
        ),
        comment="Early help episodes (early help assessments and team around the family).",
    )
    with op.batch_alter_table("ssd_early_help_episodes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ssd_early_help_episodes_person", ["la_code", "earl_person_id"], unique=False
        )

    op.create_table(
        "ssd_family",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("fami_table_id", sa.String(length=48), nullable=False),
        sa.Column("fami_family_id", sa.String(length=48), nullable=False),
        sa.Column("fami_person_id", sa.String(length=48), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_family_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "fami_table_id", name=op.f("pk_ssd_family")),
        comment="Family membership; children sharing a family id are siblings (a sibling group).",
    )
    with op.batch_alter_table("ssd_family", schema=None) as batch_op:
        batch_op.create_index("ix_ssd_family_person", ["la_code", "fami_person_id"], unique=False)

    op.create_table(
        "ssd_initial_cp_conference",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("icpc_icpc_id", sa.String(length=48), nullable=False),
        sa.Column("icpc_person_id", sa.String(length=48), nullable=False),
        sa.Column("icpc_s47_enquiry_id", sa.String(length=48), nullable=True),
        sa.Column("icpc_referral_id", sa.String(length=48), nullable=False),
        sa.Column("icpc_icpc_transfer_in", sa.Boolean(), nullable=True),
        sa.Column("icpc_icpc_date", sa.Date(), nullable=False),
        sa.Column("icpc_icpc_outcome_cp_flag", sa.Boolean(), nullable=False),
        sa.Column("icpc_icpc_team_id", sa.String(length=48), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_initial_cp_conference_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "la_code", "icpc_icpc_id", name=op.f("pk_ssd_initial_cp_conference")
        ),
        comment="Initial child protection conferences.",
    )
    with op.batch_alter_table("ssd_initial_cp_conference", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ssd_initial_cp_conference_person", ["la_code", "icpc_person_id"], unique=False
        )

    op.create_table(
        "ssd_involvements",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("invo_involvements_id", sa.String(length=48), nullable=False),
        sa.Column("invo_person_id", sa.String(length=48), nullable=False),
        sa.Column("invo_professional_id", sa.String(length=48), nullable=False),
        sa.Column("invo_professional_role", sa.String(length=32), nullable=False),
        sa.Column("invo_professional_team_id", sa.String(length=48), nullable=True),
        sa.Column("invo_involvement_start_date", sa.Date(), nullable=False),
        sa.Column("invo_involvement_end_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_involvements_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "la_code", "invo_involvements_id", name=op.f("pk_ssd_involvements")
        ),
        comment="Allocation of workers to children over time.",
    )
    with op.batch_alter_table("ssd_involvements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ssd_involvements_person", ["la_code", "invo_person_id"], unique=False
        )

    op.create_table(
        "ssd_legal_status",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("lega_legal_status_id", sa.String(length=48), nullable=False),
        sa.Column("lega_person_id", sa.String(length=48), nullable=False),
        sa.Column("lega_legal_status", sa.String(length=32), nullable=False),
        sa.Column("lega_legal_status_start_date", sa.Date(), nullable=False),
        sa.Column("lega_legal_status_end_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_legal_status_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "la_code", "lega_legal_status_id", name=op.f("pk_ssd_legal_status")
        ),
        comment="Legal status history of looked-after children.",
    )
    with op.batch_alter_table("ssd_legal_status", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ssd_legal_status_person", ["la_code", "lega_person_id"], unique=False
        )

    op.create_table(
        "ssd_missing",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("miss_table_id", sa.String(length=48), nullable=False),
        sa.Column("miss_person_id", sa.String(length=48), nullable=False),
        sa.Column("miss_missing_episode_start_date", sa.Date(), nullable=False),
        sa.Column("miss_missing_episode_type", sa.String(length=32), nullable=False),
        sa.Column("miss_missing_episode_end_date", sa.Date(), nullable=True),
        sa.Column("miss_missing_rhi_offered", sa.Boolean(), nullable=True),
        sa.Column("miss_missing_rhi_accepted", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_missing_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "miss_table_id", name=op.f("pk_ssd_missing")),
        comment="Missing and absent episodes, with return home interviews.",
    )
    with op.batch_alter_table("ssd_missing", schema=None) as batch_op:
        batch_op.create_index("ix_ssd_missing_person", ["la_code", "miss_person_id"], unique=False)

    op.create_table(
        "ssd_permanence",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("perm_table_id", sa.String(length=48), nullable=False),
        sa.Column("perm_person_id", sa.String(length=48), nullable=False),
        sa.Column("perm_cla_id", sa.String(length=48), nullable=True),
        sa.Column("perm_permanence_plan", sa.String(length=32), nullable=True),
        sa.Column("perm_adm_decision_date", sa.Date(), nullable=True),
        sa.Column("perm_part_of_sibling_group", sa.Boolean(), nullable=True),
        sa.Column("perm_siblings_placed_together", sa.Integer(), nullable=True),
        sa.Column("perm_siblings_placed_apart", sa.Integer(), nullable=True),
        sa.Column("perm_ffa_cp_decision_date", sa.Date(), nullable=True),
        sa.Column("perm_placement_order_date", sa.Date(), nullable=True),
        sa.Column("perm_matched_date", sa.Date(), nullable=True),
        sa.Column("perm_placed_for_adoption_date", sa.Date(), nullable=True),
        sa.Column("perm_placed_ffa_cp_date", sa.Date(), nullable=True),
        sa.Column("perm_decision_reversed_date", sa.Date(), nullable=True),
        sa.Column("perm_decision_reversed_reason", sa.String(length=32), nullable=True),
        sa.Column("perm_permanence_order_date", sa.Date(), nullable=True),
        sa.Column("perm_permanence_order_type", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_permanence_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "perm_table_id", name=op.f("pk_ssd_permanence")),
        comment="Permanence plans and the adoption journey (SSDA903 adoption fields).",
    )
    with op.batch_alter_table("ssd_permanence", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ssd_permanence_person", ["la_code", "perm_person_id"], unique=False
        )

    op.create_table(
        "ssd_person",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("pers_person_id", sa.String(length=48), nullable=False),
        sa.Column("pers_forename", sa.Text(), nullable=False),
        sa.Column("pers_surname", sa.Text(), nullable=False),
        sa.Column("pers_sex", sa.String(length=32), nullable=False),
        sa.Column("pers_ethnicity", sa.String(length=32), nullable=False),
        sa.Column("pers_dob", sa.Date(), nullable=False),
        sa.Column("pers_death_date", sa.Date(), nullable=True),
        sa.Column("pers_upn", sa.Text(), nullable=True),
        sa.Column("pers_is_uasc", sa.Boolean(), nullable=False),
        sa.Column("pers_postcode", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_person_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "pers_person_id", name=op.f("pk_ssd_person")),
        comment="Children and young people known to children's social care (synthetic in demos).",
    )
    op.create_table(
        "ssd_pre_proceedings",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("prep_table_id", sa.String(length=48), nullable=False),
        sa.Column("prep_person_id", sa.String(length=48), nullable=False),
        sa.Column("prep_pre_pro_decision_date", sa.Date(), nullable=False),
        sa.Column("prep_initial_pre_pro_meeting_date", sa.Date(), nullable=True),
        sa.Column("prep_pre_pro_outcome", sa.Text(), nullable=True),
        sa.Column("prep_outcome_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_pre_proceedings_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "prep_table_id", name=op.f("pk_ssd_pre_proceedings")),
        comment="Public Law Outline pre-proceedings.",
    )
    with op.batch_alter_table("ssd_pre_proceedings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ssd_pre_proceedings_person", ["la_code", "prep_person_id"], unique=False
        )

    op.create_table(
        "ssd_professionals",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("prof_professional_id", sa.String(length=48), nullable=False),
        sa.Column("prof_staff_id", sa.String(length=48), nullable=True),
        sa.Column("prof_professional_name", sa.Text(), nullable=False),
        sa.Column("prof_social_worker_registration_no", sa.Text(), nullable=True),
        sa.Column("prof_agency_worker_flag", sa.Boolean(), nullable=True),
        sa.Column("prof_professional_job_title", sa.String(length=32), nullable=False),
        sa.Column("prof_professional_team_id", sa.String(length=48), nullable=True),
        sa.Column("prof_full_time_equivalency", sa.Float(), nullable=True),
        sa.Column("prof_start_date", sa.Date(), nullable=True),
        sa.Column("prof_end_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_professionals_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "la_code", "prof_professional_id", name=op.f("pk_ssd_professionals")
        ),
        comment="Staff who work with children (synthetic names only in demos).",
    )
    op.create_table(
        "ssd_s47_enquiry",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("s47e_s47_enquiry_id", sa.String(length=48), nullable=False),
        sa.Column("s47e_person_id", sa.String(length=48), nullable=False),
        sa.Column("s47e_referral_id", sa.String(length=48), nullable=False),
        sa.Column("s47e_strategy_discussion_date", sa.Date(), nullable=False),
        sa.Column("s47e_s47_start_date", sa.Date(), nullable=False),
        sa.Column("s47e_s47_end_date", sa.Date(), nullable=True),
        sa.Column("s47e_s47_nfa", sa.Boolean(), nullable=True),
        sa.Column("s47e_s47_icpc_required", sa.Boolean(), nullable=True),
        sa.Column("s47e_s47_completed_by_team_id", sa.String(length=48), nullable=True),
        sa.Column("s47e_s47_completed_by_worker_id", sa.String(length=48), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_ssd_s47_enquiry_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "s47e_s47_enquiry_id", name=op.f("pk_ssd_s47_enquiry")),
        comment="Strategy discussions and the section 47 enquiries they start.",
    )
    with op.batch_alter_table("ssd_s47_enquiry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ssd_s47_enquiry_person", ["la_code", "s47e_person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ssd_s47_enquiry", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_s47_enquiry_person")

    op.drop_table("ssd_s47_enquiry")
    op.drop_table("ssd_professionals")
    with op.batch_alter_table("ssd_pre_proceedings", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_pre_proceedings_person")

    op.drop_table("ssd_pre_proceedings")
    op.drop_table("ssd_person")
    with op.batch_alter_table("ssd_permanence", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_permanence_person")

    op.drop_table("ssd_permanence")
    with op.batch_alter_table("ssd_missing", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_missing_person")

    op.drop_table("ssd_missing")
    with op.batch_alter_table("ssd_legal_status", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_legal_status_person")

    op.drop_table("ssd_legal_status")
    with op.batch_alter_table("ssd_involvements", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_involvements_person")

    op.drop_table("ssd_involvements")
    with op.batch_alter_table("ssd_initial_cp_conference", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_initial_cp_conference_person")

    op.drop_table("ssd_initial_cp_conference")
    with op.batch_alter_table("ssd_family", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_family_person")

    op.drop_table("ssd_family")
    with op.batch_alter_table("ssd_early_help_episodes", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_early_help_episodes_person")

    op.drop_table("ssd_early_help_episodes")
    with op.batch_alter_table("ssd_disability", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_disability_person")

    op.drop_table("ssd_disability")
    op.drop_table("ssd_department")
    with op.batch_alter_table("ssd_cp_visits", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_cp_visits_person")

    op.drop_table("ssd_cp_visits")
    with op.batch_alter_table("ssd_cp_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_cp_reviews_person")

    op.drop_table("ssd_cp_reviews")
    with op.batch_alter_table("ssd_cp_plans", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_cp_plans_person")

    op.drop_table("ssd_cp_plans")
    with op.batch_alter_table("ssd_contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_contacts_person")

    op.drop_table("ssd_contacts")
    with op.batch_alter_table("ssd_cla_visits", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_cla_visits_person")

    op.drop_table("ssd_cla_visits")
    with op.batch_alter_table("ssd_cla_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_cla_reviews_person")

    op.drop_table("ssd_cla_reviews")
    with op.batch_alter_table("ssd_cla_placement", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_cla_placement_person")

    op.drop_table("ssd_cla_placement")
    with op.batch_alter_table("ssd_cla_health", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_cla_health_person")

    op.drop_table("ssd_cla_health")
    with op.batch_alter_table("ssd_cla_episodes", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_cla_episodes_person")

    op.drop_table("ssd_cla_episodes")
    with op.batch_alter_table("ssd_cin_visits", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_cin_visits_person")

    op.drop_table("ssd_cin_visits")
    with op.batch_alter_table("ssd_cin_plans", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_cin_plans_person")

    op.drop_table("ssd_cin_plans")
    with op.batch_alter_table("ssd_cin_episodes", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_cin_episodes_person")

    op.drop_table("ssd_cin_episodes")
    with op.batch_alter_table("ssd_cin_assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_cin_assessments_person")

    op.drop_table("ssd_cin_assessments")
    with op.batch_alter_table("ssd_care_leavers", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_care_leavers_person")

    op.drop_table("ssd_care_leavers")
    with op.batch_alter_table("grip_cin_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_grip_cin_reviews_person")

    op.drop_table("grip_cin_reviews")
    op.drop_table("grip_adopters")
