package health.ductcare.engine;

import java.util.Optional;
import java.util.Set;

/** Which medication orders count as a systemic antibiotic the patient is on. */
final class AntibioticPolicy {

    private static final Set<String> COUNTED_STATUSES = Set.of("active", "completed");
    private static final Set<String> COUNTED_INTENTS = Set.of("order", "plan", "original-order");

    private AntibioticPolicy() {
    }

    /**
     * A listed code, else an ingredient name in the text, unless a classification code (ATC) places the product
     * outside the antibacterials for systemic use: topical clindamycin is ATC D10AF01 and still says clindamycin.
     */
    static boolean isAntibiotic(MedicationInput med, ProtocolCodeSets codes) {
        if (codes.antibiotic().matchesAny(med.codes())) {
            return true;
        }
        return !codes.antibiotic().classifiesOutside(med.codes())
                && Texts.firstKeywordIn(med.text(), codes.antibioticKeywords()).isPresent();
    }

    /** Empty when the antibiotic counts, else why it is ignored. */
    static Optional<String> whyIgnored(MedicationInput med, ProtocolCodeSets codes) {
        if (med.status() == null || !COUNTED_STATUSES.contains(med.status())) {
            return Optional.of("status is " + med.status() + " (only active or completed count)");
        }
        if (med.intent() == null || !COUNTED_INTENTS.contains(med.intent())) {
            return Optional.of("intent is " + med.intent() + " (only order, plan or original-order count)");
        }
        if (codes.nonSystemicRoute().matchesAny(med.routes())) {
            return Optional.of("route " + Texts.describe(codes.nonSystemicRoute().matching(med.routes()))
                    + " is not systemic");
        }
        if (med.start() == null) {
            return Optional.of("it has no start time (no boundsPeriod, validityPeriod or authoredOn)");
        }
        return Optional.empty();
    }
}
