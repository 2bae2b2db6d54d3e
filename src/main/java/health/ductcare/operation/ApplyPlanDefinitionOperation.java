package health.ductcare.operation;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.ductcare.engine.PlanDecision;
import health.ductcare.engine.PlanNote;
import health.ductcare.protocol.LoadedProtocol;
import health.ductcare.protocol.ProtocolService;
import health.ductcare.security.AccessPolicy;
import health.ductcare.service.CarePlanPlanner;
import health.ductcare.service.PatientFacts;
import health.ductcare.service.PlanningFactsLoader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;

/**
 * {@code POST /fhir/PlanDefinition/{id}/$apply} (R4 operation-plandefinition-apply): the protocol of that
 * PlanDefinition applied to a patient's stored data plus any {@code data} Bundle; the CarePlan is returned,
 * not stored. Of several eligible Conditions the most recently recorded one is planned.
 */
@ApplicationScoped
public class ApplyPlanDefinitionOperation {

    private final ProtocolService protocols;
    private final Clock clock;
    private final AccessPolicy access;
    private final PlanningFactsLoader planningFacts;

    public ApplyPlanDefinitionOperation(ProtocolService protocols, Clock clock, AccessPolicy access,
            PlanningFactsLoader planningFacts) {
        this.access = access;
        this.planningFacts = planningFacts;
        this.protocols = protocols;
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
        // A Patient of this server: relative, or an absolute URL of our own base (another server's is not ours).
        String patient = planningFacts.patientOf(new Reference(subject)).orElseThrow(() -> new InvalidRequestException(
                "$apply subject must be a Patient reference of this server such as Patient/123"));
        access.checkPatientInCompartment("Condition", patient.substring("Patient/".length()));
        Parameters.ParametersParameterComponent dataPart = parameters.getParameter("data");
        OperationInputs given = OperationInputs.of(
                dataPart != null && dataPart.getResource() instanceof Bundle bundle ? bundle.getEntry() : List.of(),
                List.of());

        // The patient's stored facts, read as the service reads them for her stored plans, with the data on top.
        PatientFacts facts = planningFacts.of(new Reference(patient), PlanningFactsLoader.Reader.CALLER,
                protocol.protocol(), given.asInline());
        List<Condition> conditions = facts.conditions();

        Instant now = clock.instant();
        List<PlanNote> explanations = new ArrayList<>();
        CarePlan best = null;
        Instant bestTime = null;
        for (Condition condition : conditions) {
            if (condition.getIdElement().getIdPart() == null) {
                condition.setId("urn:uuid:" + java.util.UUID.randomUUID());
            }
            String conditionId = condition.getIdElement().getIdPart();
            Instant received = planningFacts.receivedAt(condition, now);
            CarePlan existing = planningFacts.storedPlan(conditionId);
            CarePlanPlanner.Planned planned = CarePlanPlanner.plan(protocol.protocol(), condition, conditions,
                    new Reference(patient), facts.medicationRequests(), facts::medication, facts.observations(),
                    received, existing, now);
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
