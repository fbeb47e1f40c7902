"""Clinical calculators and findings rules.

Every calculator checks its own inputs and raises only CalculationError (a
ValidationError naming the field) with words a nurse can act on; results are
frozen dataclasses at full precision. Thresholds cite their source beside the
code. Modules:

    nhs_number      Modulus 11 check of typed NHS numbers
    bmi             BMI and category, lower thresholds by ethnic category
    blood_pressure  clinic BP bands (NICE NG136), same-day flag, Lester red zone
    pulse           rate band and rhythm
    glycaemia       HbA1c and glucose bands (Lester 2014, NICE PH38)
    lipids          total/HDL ratio and non-HDL cholesterol
    audit_c         AUDIT-C score and UK band
    smoking         QRISK3 smoking category and SNOMED CT code
    ethnicity       UK Core ethnic categories -> QRISK3 ethnicity and BMI thresholds
    qrisk3          QRISK3-2017 10-year risk with the ClinRisk licence disclaimer
    findings        versioned findings rules, follow-up decisions, the finalise gate
    service_directory  the offline directory referrals point at
    verify          reference cases for `outreach verify-calculators`
"""
