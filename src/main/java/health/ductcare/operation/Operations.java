package health.ductcare.operation;

import java.util.List;

/** The operations the server implements, as the CapabilityStatement declares them. */
public final class Operations {

    /** An operation on one resource type, or on every type when {@code resourceType} is null. */
    public record Declared(String resourceType, String name, String definition) {

        public boolean appliesTo(String type) {
            return resourceType == null || resourceType.equals(type);
        }
    }

    public static final List<Declared> ALL = List.of(
            new Declared(null, "validate", ValidateOperation.DEFINITION),
            new Declared("PlanDefinition", "apply", "http://hl7.org/fhir/OperationDefinition/PlanDefinition-apply"),
            new Declared("Patient", "everything", "http://hl7.org/fhir/OperationDefinition/Patient-everything"),
            new Declared("CarePlan", "generate", "https://ductcare.health/fhir/OperationDefinition/CarePlan-generate"));

    private Operations() {
    }
}
