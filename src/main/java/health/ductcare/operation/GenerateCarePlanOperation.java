package health.ductcare.operation;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import health.ductcare.fhir.IncomingResources;
import health.ductcare.protocol.ProtocolService;
import health.ductcare.service.CarePlanPlanner;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * {@code POST /fhir/CarePlan/$generate}: a Condition with its supporting resources in, the CarePlan the active
 * protocol makes out, without storing anything - for integration testers and previews.
 */
@ApplicationScoped
public class GenerateCarePlanOperation {

    private final ProtocolService protocols;
    private final Clock clock;

    public GenerateCarePlanOperation(ProtocolService protocols, Clock clock) {
        this.protocols = protocols;
        this.clock = clock;
    }

    /** The inputs of a {@code $generate} body: a Bundle, or Parameters with a {@code data} Bundle or resources. */
    public static OperationInputs inputs(IncomingResources.Incoming body) {
        IBaseResource resource = body.resource();
        if (resource instanceof Bundle bundle) {
            return OperationInputs.of(bundle.getEntry(), List.of());
        }
        if (resource instanceof Parameters parameters) {
            List<Bundle.BundleEntryComponent> entries = new ArrayList<>();
            List<Resource> loose = new ArrayList<>();
            for (Parameters.ParametersParameterComponent part : parameters.getParameter()) {
                if (part.getResource() instanceof Bundle bundle) {
                    entries.addAll(bundle.getEntry());
                } else if (part.getResource() != null) {
                    loose.add(part.getResource());
                }
            }
            return OperationInputs.of(entries, loose);
        }
        throw new InvalidRequestException("$generate takes a Bundle or Parameters, not a "
                + resource.fhirType());
    }

    public static boolean persistRequested(IncomingResources.Incoming body, String persistQuery) {
        if ("true".equalsIgnoreCase(persistQuery)) {
            return true;
        }
        if (body.resource() instanceof Parameters parameters) {
            Parameters.ParametersParameterComponent persist = parameters.getParameter("persist");
            return persist != null && persist.getValue() != null && "true".equals(persist.getValue().primitiveValue());
        }
        return false;
    }

    public CarePlan generate(OperationInputs inputs) {
        Condition condition = singleCondition(inputs);
        Instant now = clock.instant();
        CarePlanPlanner.Planned planned = CarePlanPlanner.plan(protocols.active().protocol(), condition,
                new Reference(condition.getSubject().getReference()), inputs.medicationRequests(),
                inputs::medication, inputs.observations(), now, null, now);
        return planned.carePlan().orElseThrow(() -> PlanOutcomes.noPlan(
                "The protocol makes no plan for this Condition", planned.decision().notes()));
    }

    static Condition singleCondition(OperationInputs inputs) {
        if (inputs.conditions().size() != 1) {
            throw new InvalidRequestException("$generate needs exactly one Condition, got "
                    + inputs.conditions().size());
        }
        Condition condition = inputs.conditions().get(0);
        if (condition.getIdElement().getIdPart() == null) {
            condition.setId("urn:uuid:" + java.util.UUID.randomUUID());
        }
        return condition;
    }
}
