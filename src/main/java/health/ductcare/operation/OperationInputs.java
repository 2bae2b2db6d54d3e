package health.ductcare.operation;

import health.ductcare.service.PatientFacts;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;

/**
 * The clinical resources an operation was given (in a Bundle or as Parameters parts), sorted by type.
 * Resources without an id get the id of their Bundle {@code fullUrl} (e.g. {@code urn:uuid:...}), so the
 * plan can refer to them.
 */
public record OperationInputs(List<Condition> conditions, List<MedicationRequest> medicationRequests,
        List<Observation> observations, List<Medication> medications, List<Resource> all) {

    public static OperationInputs of(List<Bundle.BundleEntryComponent> entries, List<Resource> looseResources) {
        List<Resource> resources = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : entries) {
            if (entry.getResource() == null) {
                continue;
            }
            Resource resource = entry.getResource();
            if (!resource.hasIdElement() || resource.getIdElement().getIdPart() == null) {
                if (entry.hasFullUrl()) {
                    resource.setId(entry.getFullUrl());
                }
            } else if (entry.hasFullUrl() && entry.getFullUrl().startsWith("urn:")) {
                resource.setId(entry.getFullUrl());
            }
            resources.add(resource);
        }
        resources.addAll(looseResources);
        return new OperationInputs(
                ofType(resources, Condition.class),
                ofType(resources, MedicationRequest.class),
                ofType(resources, Observation.class),
                ofType(resources, Medication.class),
                resources);
    }

    /** These resources as the inline part of a patient's planning facts (merged as {@link PatientFacts} says). */
    public PatientFacts.Inline asInline() {
        return new PatientFacts.Inline(conditions, medicationRequests, observations, this::medication);
    }

    /** A Medication given alongside, found by the reference a MedicationRequest uses for it. */
    public Medication medication(String reference) {
        for (Medication medication : medications) {
            String id = medication.getIdElement().getValue();
            if (id != null && (id.equals(reference) || medication.getIdElement().toUnqualifiedVersionless().getValue()
                    .equals(reference) || ("Medication/" + medication.getIdElement().getIdPart()).equals(reference))) {
                return medication;
            }
        }
        return null;
    }

    private static <T extends IBaseResource> List<T> ofType(List<Resource> resources, Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).filter(r -> !(r instanceof CarePlan)).toList();
    }
}
