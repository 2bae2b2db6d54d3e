package health.ductcare.engine;

import java.time.Instant;
import java.util.List;

/**
 * A medication order. {@code codes} are the medication's codes (and ingredient codes when the
 * order references a Medication); {@code routes} are the dosage routes.
 */
public record MedicationInput(
        String reference,
        String status,
        String intent,
        List<Code> codes,
        String text,
        List<Code> routes,
        Instant boundsPeriodStart,
        Instant validityPeriodStart,
        Instant authoredOn) {

    public MedicationInput {
        codes = codes == null ? List.of() : List.copyOf(codes);
        routes = routes == null ? List.of() : List.copyOf(routes);
    }

    /** When the patient is taken to be on the medication: the dosage bounds, else validity, else authoring. */
    public Instant start() {
        if (boundsPeriodStart != null) {
            return boundsPeriodStart;
        }
        return validityPeriodStart != null ? validityPeriodStart : authoredOn;
    }
}
