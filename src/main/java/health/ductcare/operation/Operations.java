package health.ductcare.operation;

import java.util.List;

/** The operations the server implements, as the CapabilityStatement declares them. */
public final class Operations {

    public record Declared(String resourceType, String name, String definition) {
    }

    public static final List<Declared> ALL = List.of(
            new Declared("PlanDefinition", "apply", "http://hl7.org/fhir/OperationDefinition/PlanDefinition-apply"),
            new Declared("CarePlan", "generate", "https://ductcare.health/fhir/OperationDefinition/CarePlan-generate"));

    private Operations() {
    }
}
