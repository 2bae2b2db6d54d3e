package health.ductcare.operation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.ductcare.engine.PlanDecision;
import health.ductcare.engine.PlanNote;
import health.ductcare.protocol.LoadedProtocol;
import health.ductcare.protocol.ProtocolService;
import health.ductcare.search.SearchService;
import health.ductcare.security.AccessPolicy;
import health.ductcare.service.CarePlanPlanner;
import health.ductcare.service.CarePlanService;
import health.ductcare.service.ResourceService;
import health.ductcare.store.StoredResource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * {@code POST /fhir/PlanDefinition/{id}/$apply} (R4 operation-plandefinition-apply): the protocol of that
 * PlanDefinition applied to a patient's stored data plus any {@code data} Bundle; the CarePlan is returned,
 * not stored. Of several eligible Conditions the most recently recorded one is planned.
 */
@ApplicationScoped
public class ApplyPlanDefinitionOperation {

    private static final int MAX_INPUTS = 1000;

    private final FhirContext context;
    private final ProtocolService protocols;
    private final SearchService search;
    private final ResourceService resources;
    private final Clock clock;
    private final AccessPolicy access;
    private final CarePlanService carePlans;

    public ApplyPlanDefinitionOperation(FhirContext context, ProtocolService protocols, SearchService search,
            ResourceService resources, Clock clock, AccessPolicy access, CarePlanService carePlans) {
        this.access = access;
        this.carePlans = carePlans;
        this.context = context;
        this.protocols = protocols;
        this.search = search;
        this.resources = resources;
        this.clock = clock;
    }

    @Transactional
    public CarePlan apply(String planDefinitionId, Parameters parameters) {
        LoadedProtocol protocol = protocols.byPlanDefinitionId(planDefinitionId)
                .orElseThrow(() -> new ResourceNotFoundException(new IdType("PlanDefinition", planDefinitionId)));
        String subject = textParameter(parameters, "subject");
        if (subject == null) {
            throw new InvalidRequestException("$apply needs the subject parameter, e.g. Patient/123");
        }
        IdType subjectId = new IdType(subject);
        if (!"Patient".equals(subjectId.getResourceType()) || subjectId.getIdPart() == null) {
            throw new InvalidRequestException("$apply subject must be a Patient reference such as Patient/123");
        }
        String patient = "Patient/" + subjectId.getIdPart();
        access.checkPatientInCompartment("Condition", subjectId.getIdPart());
        Parameters.ParametersParameterComponent dataPart = parameters.getParameter("data");
        OperationInputs given = OperationInputs.of(
                dataPart != null && dataPart.getResource() instanceof Bundle bundle ? bundle.getEntry() : List.of(),
                List.of());

        Map<String, List<String>> bySubject = Map.of("subject", List.of(patient));
        List<Condition> conditions = new ArrayList<>(given.conditions());
        conditions.addAll(parse(search.match("Condition", bySubject, MAX_INPUTS), Condition.class));
        List<MedicationRequest> medicationRequests = new ArrayList<>(given.medicationRequests());
        medicationRequests.addAll(parse(search.match("MedicationRequest", bySubject, MAX_INPUTS), MedicationRequest.class));
        List<Observation> observations = new ArrayList<>(given.observations());
        observations.addAll(parse(search.match("Observation", bySubject, MAX_INPUTS), Observation.class));

        Instant now = clock.instant();
        List<PlanNote> explanations = new ArrayList<>();
        CarePlan best = null;
        Instant bestTime = null;
        for (Condition condition : conditions) {
            if (condition.getIdElement().getIdPart() == null) {
                condition.setId("urn:uuid:" + java.util.UUID.randomUUID());
            }
            String conditionId = condition.getIdElement().getIdPart();
            Instant received = resources.firstVersionTime("Condition", conditionId).orElse(now);
            CarePlan existing = resources.find("CarePlan", CarePlanService.carePlanIdFor(conditionId))
                    .map(stored -> (CarePlan) context.newJsonParser().parseResource(stored.json())).orElse(null);
            CarePlanPlanner.Planned planned = CarePlanPlanner.plan(protocol.protocol(), condition, conditions,
                    new Reference(patient), medicationRequests, reference -> medication(given, reference),
                    observations, received, existing, now);
            explanations.addAll(planned.decision().notes());
            Instant diagnosisTime = diagnosisTime(planned.decision());
            if (planned.carePlan().isPresent() && diagnosisTime != null
                    && (bestTime == null || diagnosisTime.isAfter(bestTime))) {
                best = planned.carePlan().get();
                bestTime = diagnosisTime;
            }
        }
        if (best == null) {
            throw PlanOutcomes.noPlan("No Condition of " + patient + " is eligible for " + protocol.protocol().canonical(),
                    explanations);
        }
        best.setId((String) null);
        addOptionalReferences(best, parameters);
        access.checkRead("CarePlan", best);
        return best;
    }

    private static Instant diagnosisTime(PlanDecision decision) {
        if (decision instanceof PlanDecision.Scheduled scheduled) {
            return scheduled.diagnosisTime();
        }
        if (decision instanceof PlanDecision.OnHold onHold) {
            return onHold.diagnosisTime();
        }
        return null;
    }

    private static void addOptionalReferences(CarePlan plan, Parameters parameters) {
        String encounter = textParameter(parameters, "encounter");
        if (encounter != null) {
            plan.setEncounter(new Reference(encounter));
        }
        String practitioner = textParameter(parameters, "practitioner");
        if (practitioner != null) {
            plan.addContributor(new Reference(practitioner));
        }
        String organization = textParameter(parameters, "organization");
        if (organization != null) {
            plan.addContributor(new Reference(organization));
        }
    }

    private Medication medication(OperationInputs given, String reference) {
        Medication fromData = given.medication(reference);
        return fromData != null ? fromData : carePlans.storedMedication(reference);
    }

    private <T extends IBaseResource> List<T> parse(List<StoredResource> stored, Class<T> type) {
        return stored.stream().map(s -> context.newJsonParser().parseResource(type, s.json()))
                .sorted(Comparator.comparing(r -> ((Resource) r).getIdElement().getIdPart()))
                .toList();
    }

    static String textParameter(Parameters parameters, String name) {
        Parameters.ParametersParameterComponent part = parameters.getParameter(name);
        if (part == null || part.getValue() == null) {
            return null;
        }
        if (part.getValue() instanceof Reference reference) {
            return reference.getReference();
        }
        return part.getValue().primitiveValue();
    }
}
