package health.ductcare.engine;

import java.util.List;
import java.util.Objects;

public record PlanInput(
        DiagnosisInput diagnosis,
        List<MedicationInput> medications,
        List<TemperatureInput> temperatures,
        List<PriorActivity> priorActivities) {

    public PlanInput {
        Objects.requireNonNull(diagnosis, "diagnosis");
        medications = medications == null ? List.of() : List.copyOf(medications);
        temperatures = temperatures == null ? List.of() : List.copyOf(temperatures);
        priorActivities = priorActivities == null ? List.of() : List.copyOf(priorActivities);
    }

    public static PlanInput of(DiagnosisInput diagnosis) {
        return new PlanInput(diagnosis, List.of(), List.of(), List.of());
    }
}
