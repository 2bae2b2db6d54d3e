package health.ductcare.engine;

import java.util.List;
import java.util.Objects;

/**
 * Everything the engine decides one diagnosis on: the diagnosis, the patient's medications and temperatures, the
 * activities of the plan already stored, and the patient's other diagnoses (an abscess among them stops therapy).
 */
public record PlanInput(
        DiagnosisInput diagnosis,
        List<MedicationInput> medications,
        List<TemperatureInput> temperatures,
        List<PriorActivity> priorActivities,
        List<DiagnosisInput> otherDiagnoses) {

    public PlanInput {
        Objects.requireNonNull(diagnosis, "diagnosis");
        medications = medications == null ? List.of() : List.copyOf(medications);
        temperatures = temperatures == null ? List.of() : List.copyOf(temperatures);
        priorActivities = priorActivities == null ? List.of() : List.copyOf(priorActivities);
        otherDiagnoses = otherDiagnoses == null ? List.of() : List.copyOf(otherDiagnoses);
    }

    /** A diagnosis with no other diagnoses of the patient known. */
    public PlanInput(DiagnosisInput diagnosis, List<MedicationInput> medications, List<TemperatureInput> temperatures,
            List<PriorActivity> priorActivities) {
        this(diagnosis, medications, temperatures, priorActivities, List.of());
    }

    public static PlanInput of(DiagnosisInput diagnosis) {
        return new PlanInput(diagnosis, List.of(), List.of(), List.of(), List.of());
    }
}
