"""The names of the facts a check produces (the flat mapping findings rules read).

A definition item may feed a fact (extension ``check-fact``); the loader refuses a
fact name not listed here, so a typo in the definition cannot silently starve a
findings rule. The first group is the agreed interface; the second holds the extra
inputs the check records for QRISK3 and the care plan.
"""

from __future__ import annotations

from typing import Final

AGREED_FACTS: Final = frozenset(
    {
        "age_years",
        "sex",
        "ethnic_category",
        "weight_kg",
        "height_cm",
        "bmi_kg_m2",
        "bmi_category",
        "bmi_lower_thresholds",
        "waist_cm",
        "weight_gain_3m_kg",
        "systolic_mmhg",
        "diastolic_mmhg",
        "bp_category",
        "bp_urgent",
        "pulse_bpm",
        "pulse_irregular",
        "hba1c_mmol_mol",
        "fasting_glucose_mmol_l",
        "random_glucose_mmol_l",
        "glycaemia_band",
        "total_cholesterol_mmol_l",
        "hdl_mmol_l",
        "tc_hdl_ratio",
        "non_hdl_mmol_l",
        "triglycerides_mmol_l",
        "audit_c_score",
        "audit_c_band",
        "smoking_status",
        "cigarettes_per_day",
        "smoking_category",
        "qrisk3_percent",
        "on_antipsychotic",
        "diet_poor",
        "physically_inactive",
        "substance_use",
        "medication_side_effects",
        "screening_overdue",
        "vaccinations_due",
        "oral_health_concern",
        "sexual_health_concern",
    }
)

EXTRA_FACTS: Final = frozenset(
    {
        "weight_3m_ago_kg",
        "pulse_category",
        # repeated clinic blood pressure readings (NICE NG136: a second at 140/90 or more,
        # a third if they differ)
        "systolic_2_mmhg",
        "diastolic_2_mmhg",
        "systolic_3_mmhg",
        "diastolic_3_mmhg",
        "bp_readings_used",
        "bp_third_reading_needed",
        "systolic_first_mmhg",
        "diastolic_first_mmhg",
        "pulse_needs_review",
        "lipids_fasting",
        "ecigarette_use",
        "audit_c_q1",
        "audit_c_q2",
        "audit_c_q3",
        # the full AUDIT, offered when AUDIT-C is 5 or more (questions 4-10), its score and band
        "audit_q4",
        "audit_q5",
        "audit_q6",
        "audit_q7",
        "audit_q8",
        "audit_q9",
        "audit_q10",
        "audit_score",
        "audit_band",
        "full_audit_offer",
        # QRISK3 conditions from the general physical health enquiry
        "diabetes",
        "atrial_fibrillation",
        "treated_hypertension",
        "ckd_stage_3_to_5",
        "rheumatoid_arthritis",
        "systemic_lupus_erythematosus",
        "migraine",
        "regular_oral_corticosteroids",
        "erectile_dysfunction",
        "family_history_chd",
        "care_plan_agreed",
        # who QRISK3 does not apply to (NICE NG238), and why (outreach.clinical.qrisk3.NOT_APPLICABLE)
        "existing_cvd",
        "on_statin",
        "qrisk3_exclusion",
    }
)

FACT_NAMES: Final = AGREED_FACTS | EXTRA_FACTS
