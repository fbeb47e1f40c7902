"""Live results beside the form: BMI, blood pressure, blood sugar, cholesterol, AUDIT-C and QRISK3.

They are recalculated on every saved answer. QRISK3 says, in plain words, what it still
needs; when a score is shown, the licence disclaimer is shown with it (the QRISK3
licence asks for that wherever a score appears), and so are its caveats: NICE NG238 notes
it may under-estimate risk in severe mental illness, and the Townsend score and blood
pressure variation were not known (0 was used). Beside the BMI it says which thresholds
classed it: NICE uses lower ones for some family backgrounds, so a worker comparing with
another chart can see why the category differs.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from outreach.checks import units
from outreach.checks.evaluation import CheckEvaluation


def _label(parent: QWidget, name: str, *, small: bool = False) -> QLabel:
    label = QLabel("", parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if small:
        font = label.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.8))
        label.setFont(font)
    return label


class ResultsPanel(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("results")
        self.setAccessibleName(self.tr("Results so far"))
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("Results so far"), self)
        heading.setStyleSheet("font-weight: bold;")
        layout.addWidget(heading)
        self.bmi = _label(self, "result:bmi")
        self.bmi_thresholds = _label(self, "result:bmi_thresholds", small=True)
        self.blood_pressure = _label(self, "result:blood_pressure")
        self.glycaemia = _label(self, "result:glycaemia")
        self.lipids = _label(self, "result:lipids")
        self.audit_c = _label(self, "result:audit_c")
        self.qrisk3 = _label(self, "result:qrisk3")
        self.qrisk3_missing = _label(self, "result:qrisk3_missing")
        self.qrisk3_caveats = _label(self, "result:qrisk3_caveats", small=True)
        self.qrisk3_caveats.setAccessibleName(self.tr("What the QRISK3 score may miss"))
        self.disclaimer = _label(self, "result:qrisk3_disclaimer", small=True)
        for w in (
            self.bmi,
            self.bmi_thresholds,
            self.blood_pressure,
            self.glycaemia,
            self.lipids,
            self.audit_c,
            self.qrisk3,
            self.qrisk3_missing,
            self.qrisk3_caveats,
            self.disclaimer,
        ):
            layout.addWidget(w)
        layout.addStretch(1)
        self.bmi_thresholds.hide()
        self.qrisk3_caveats.hide()
        self.disclaimer.hide()

    def bmi_thresholds_text(self, lower: bool) -> str:
        """Which BMI thresholds classed this person (NICE NG246: lower thresholds for South Asian,
        Chinese, other Asian, Middle Eastern, Black African or African-Caribbean family background)."""
        if lower:
            return self.tr(
                "BMI classed with the lower thresholds NICE uses for this person's family background "
                "(overweight from 23, obesity from 27.5)."
            )
        return self.tr("BMI classed with the standard thresholds (overweight from 25, obesity from 30).")

    def update_from(self, evaluation: CheckEvaluation) -> None:
        calc = evaluation.calculators
        bmi = calc.get("bmi")
        if bmi is not None:
            self.bmi.setText(
                self.tr("BMI: {0} kg/m² ({1})").format(
                    units.format_number(round(bmi.bmi_kg_m2, 1)), bmi.category.replace("_", " ")
                )
            )
            self.bmi_thresholds.setText(self.bmi_thresholds_text(bmi.lower_thresholds))
            self.bmi_thresholds.show()
        else:
            self.bmi_thresholds.hide()
            if "bmi" in evaluation.calculator_errors:
                self.bmi.setText(self.tr("BMI: {0}").format(evaluation.calculator_errors["bmi"]))
            else:
                self.bmi.setText(self.tr("BMI: needs height and weight"))
        bp = calc.get("blood_pressure")
        clinic = calc.get("clinic_blood_pressure")
        if bp is not None and clinic is not None:
            text = self.tr("Blood pressure: {0}/{1} mmHg, {2}").format(
                units.format_number(clinic.systolic), units.format_number(clinic.diastolic),
                bp.category.replace("_", " "),
            )
            if len(clinic.readings) > 1:
                # NICE NG136: the lower of the last two readings is the clinic blood pressure.
                text += self.tr(" (reading {0} of {1}: the lower of the last two)").format(
                    clinic.used + 1, len(clinic.readings)
                )
            if clinic.second_needed:
                text += "\n" + self.tr("140/90 or more: take a second reading (NICE NG136).")
            elif clinic.third_needed:
                text += "\n" + self.tr("The first two readings differ by more than 10 mmHg: take a third.")
            self.blood_pressure.setText(text)
        elif bp is not None:
            self.blood_pressure.setText(self.tr("Blood pressure: {0}").format(bp.category.replace("_", " ")))
        else:
            self.blood_pressure.setText(self.tr("Blood pressure: needs systolic and diastolic"))
        # HbA1c / glucose and cholesterol read in words, not only as numbers (Lester; NICE PH38, NG238).
        glycaemia = calc.get("glycaemia")
        if glycaemia is not None:
            self.glycaemia.setText(
                self.tr("Blood sugar ({0}): {1}").format(glycaemia.measure, glycaemia.band)
            )
        elif "glycaemia" in evaluation.calculator_errors:
            self.glycaemia.setText(
                self.tr("Blood sugar: {0}").format(evaluation.calculator_errors["glycaemia"])
            )
        else:
            self.glycaemia.setText(self.tr("Blood sugar: needs HbA1c or a glucose result"))
        lipids = calc.get("lipids")
        if lipids is not None:
            self.lipids.setText(
                self.tr("Cholesterol: total/HDL ratio {0}, non-HDL {1} mmol/L").format(
                    units.format_number(round(lipids.tc_hdl_ratio, 1)),
                    units.format_number(lipids.non_hdl_mmol_l),
                )
            )
        elif "lipids" in evaluation.calculator_errors:
            self.lipids.setText(self.tr("Cholesterol: {0}").format(evaluation.calculator_errors["lipids"]))
        else:
            self.lipids.setText(self.tr("Cholesterol: needs total and HDL cholesterol"))
        audit = calc.get("audit_c")
        if audit is not None:
            self.audit_c.setText(
                self.tr("AUDIT-C: {0} of 12 ({1})").format(audit.score, audit.band.replace("_", " "))
            )
            full = calc.get("audit")
            if full is not None:
                self.audit_c.setText(
                    self.audit_c.text()
                    + "\n"
                    + self.tr("Full AUDIT: {0} of 40 ({1})").format(full.score, full.band.replace("_", " "))
                )
            elif evaluation.facts.get("full_audit_offer"):
                # OHID: a positive AUDIT-C (5 or more) is followed by the full AUDIT, offered not forced.
                self.audit_c.setText(
                    self.audit_c.text()
                    + "\n"
                    + self.tr("5 or more: offer the full AUDIT (seven more questions).")
                )
        else:
            self.audit_c.setText(self.tr("AUDIT-C: needs the three alcohol questions"))
        outcome = evaluation.qrisk3
        if outcome.result is not None:
            self.qrisk3.setText(
                self.tr("QRISK3: {0}% risk of a heart attack or stroke in the next 10 years").format(
                    units.format_number(round(outcome.result.risk_percent, 1))
                )
            )
            self.qrisk3_missing.hide()
            lines = [self.tr("Note: {0}").format(c) for c in outcome.caveats]
            bmi_used = calc.get("bmi")
            if bmi_used is not None:
                lines.append(self.bmi_thresholds_text(bmi_used.lower_thresholds))
            self.qrisk3_caveats.setText("\n".join(lines))
            self.qrisk3_caveats.setVisible(bool(lines))
            self.disclaimer.setText(outcome.disclaimer)
            self.disclaimer.show()
        else:
            self.qrisk3_caveats.hide()
            self.qrisk3_caveats.clear()
            self.disclaimer.hide()
            self.disclaimer.clear()
            if outcome.not_applicable is not None:
                # Said plainly instead of a score (NICE NG238); the finding says what to do instead.
                self.qrisk3.setText(outcome.note or self.tr("QRISK3 does not apply."))
                self.qrisk3_missing.hide()
            elif outcome.missing:
                self.qrisk3.setText(self.tr("QRISK3: not calculated yet"))
                self.qrisk3_missing.setText(self.tr("Still needed: {0}.").format(", ".join(outcome.missing)))
                self.qrisk3_missing.show()
            else:
                self.qrisk3.setText(self.tr("QRISK3: {0}").format(outcome.note or self.tr("not calculated")))
                self.qrisk3_missing.hide()
