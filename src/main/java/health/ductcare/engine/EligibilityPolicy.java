package health.ductcare.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Decides whether the protocol applies to a diagnosis at all. */
final class EligibilityPolicy {

    /** Either a final decision that is not a plan, or the notes to carry into the plan. */
    record Result(PlanDecision rejection, List<PlanNote> notes) {
        boolean eligible() {
            return rejection == null;
        }
    }

    private EligibilityPolicy() {
    }

    /**
     * @param others the patient's other diagnoses: one that is an active abscess stops this one's therapy as an
     *               abscess code on this diagnosis would
     */
    static Result assess(DiagnosisInput dx, List<DiagnosisInput> others, ProtocolCodeSets codes) {
        VerificationStatus verification = dx.verificationStatus();
        if (verification == VerificationStatus.REFUTED || verification == VerificationStatus.ENTERED_IN_ERROR) {
            String reason = "The diagnosis is " + (verification == VerificationStatus.REFUTED ? "refuted" : "entered in error")
                    + ": the care plan is revoked.";
            return reject(new PlanDecision.Revoked(reason, false,
                    List.of(PlanNote.warning(NoteCode.DIAGNOSIS_REVOKED, reason))));
        }
        ClinicalStatus clinical = dx.clinicalStatus() == null ? ClinicalStatus.ACTIVE : dx.clinicalStatus();
        if (clinical.isOver()) {
            String reason = "The condition is " + clinical.name().toLowerCase() + ": the care plan is completed.";
            return reject(new PlanDecision.Completed(reason, List.of(PlanNote.info(NoteCode.CONDITION_RESOLVED, reason))));
        }
        List<Code> abscess = codes.abscess().matching(dx.codes());
        if (!abscess.isEmpty()) {
            return referForAbscess("Abscess code " + Texts.describe(abscess));
        }
        for (DiagnosisInput other : others) {
            List<Code> abscessElsewhere = codes.abscess().matching(other.codes());
            if (!abscessElsewhere.isEmpty() && isCurrent(other) && !Objects.equals(other.reference(), dx.reference())) {
                return referForAbscess("Abscess code " + Texts.describe(abscessElsewhere) + " on "
                        + (other.reference() == null ? "another Condition" : other.reference())
                        + ", an active diagnosis of the same patient");
            }
        }
        if (!clinical.isActive()) {
            return notEligible(NoteCode.CLINICAL_STATUS_UNKNOWN,
                    "The clinical status is unknown: a plan is only made for an active condition.");
        }
        List<Code> excluded = codes.exclusion().matching(dx.codes());
        if (!excluded.isEmpty()) {
            return notEligible(NoteCode.EXCLUDED_DIAGNOSIS,
                    "Code " + Texts.describe(excluded) + " is excluded from the blocked-duct protocol.");
        }
        List<PlanNote> notes = new ArrayList<>();
        if (verification != null && verification != VerificationStatus.CONFIRMED) {
            notes.add(PlanNote.warning(NoteCode.DIAGNOSIS_NOT_CONFIRMED,
                    "The diagnosis is " + verification.name().toLowerCase() + ", not confirmed."));
        }
        if (codes.trigger().matchesAny(dx.codes())) {
            return new Result(null, notes);
        }
        List<Code> ambiguous = codes.ambiguous().matching(dx.codes());
        if (ambiguous.isEmpty()) {
            return notEligible(NoteCode.NOT_A_TRIGGER, "No code of the diagnosis (" + Texts.describe(dx.codes())
                    + ") is in the protocol's trigger set (" + codes.trigger().name() + ").");
        }
        Optional<String> keyword = KeywordMentions.firstAffirmed(dx.text(), codes.corroboratingKeywords());
        if (keyword.isEmpty()) {
            List<KeywordMentions.Mention> mentions = KeywordMentions.in(dx.text(), codes.corroboratingKeywords());
            String negated = mentions.isEmpty() ? "" : " (the text mentions \"" + mentions.get(0).keyword()
                    + "\" only negated or ruled out)";
            return notEligible(NoteCode.AMBIGUOUS_UNCORROBORATED, "Code " + Texts.describe(ambiguous)
                    + " covers blocked ducts and engorgement alike; no SNOMED trigger code or text such as "
                    + codes.corroboratingKeywords() + " confirms a blocked duct" + negated + ".");
        }
        notes.add(PlanNote.info(NoteCode.AMBIGUOUS_CORROBORATED, "Code " + Texts.describe(ambiguous)
                + " taken as a blocked duct because the diagnosis text mentions \"" + keyword.get() + "\"."));
        return new Result(null, notes);
    }

    private static Result referForAbscess(String finding) {
        String reason = finding
                + ": physical therapy does not apply; refer the patient for medical/surgical assessment (drainage).";
        return reject(new PlanDecision.Revoked(reason, true, List.of(PlanNote.warning(NoteCode.ABSCESS_REFER, reason))));
    }

    /** Active (a missing clinical status counts as active, as for the diagnosis itself) and not refuted or void. */
    private static boolean isCurrent(DiagnosisInput diagnosis) {
        VerificationStatus verification = diagnosis.verificationStatus();
        ClinicalStatus clinical = diagnosis.clinicalStatus() == null ? ClinicalStatus.ACTIVE : diagnosis.clinicalStatus();
        return clinical.isActive() && verification != VerificationStatus.REFUTED
                && verification != VerificationStatus.ENTERED_IN_ERROR;
    }

    private static Result reject(PlanDecision decision) {
        return new Result(decision, List.of());
    }

    private static Result notEligible(NoteCode code, String text) {
        return reject(new PlanDecision.NotEligible(List.of(PlanNote.info(code, text))));
    }
}
