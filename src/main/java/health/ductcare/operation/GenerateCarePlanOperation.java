package health.ductcare.operation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import health.ductcare.engine.Protocol;
import health.ductcare.fhir.IncomingResources;
import health.ductcare.protocol.ProtocolService;
import health.ductcare.security.AccessPolicy;
import health.ductcare.service.BundleService;
import health.ductcare.service.CarePlanPlanner;
import health.ductcare.service.CarePlanService;
import health.ductcare.service.PatientFacts;
import health.ductcare.service.PlanningFactsLoader;
import health.ductcare.service.ResourceService;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.IdType;
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
    private final BundleService bundles;
    private final ResourceService resources;
    private final FhirContext context;
    private final AccessPolicy access;
    private final PlanningFactsLoader planningFacts;

    public GenerateCarePlanOperation(ProtocolService protocols, Clock clock, BundleService bundles,
            ResourceService resources, FhirContext context, AccessPolicy access, PlanningFactsLoader planningFacts) {
        this.access = access;
        this.planningFacts = planningFacts;
        this.protocols = protocols;
        this.clock = clock;
        this.bundles = bundles;
        this.resources = resources;
        this.context = context;
    }

    /**
     * {@code persist=true}: plans first (so an ineligible diagnosis stores nothing), then stores the inputs as one
     * transaction - whose Condition write makes the stored plan - and returns that stored CarePlan. The first plan
     * is made as the service will make the stored one: from the patient's stored facts with the body on top (an
     * abscess already on her record makes no plan, and stores nothing).
     */
    public CarePlan generateAndStore(IncomingResources.Incoming body, String baseUrl) {
        GenerateRequest request = request(body);
        generate(request, true);
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (Resource resource : inputResources(body)) {
            Bundle.BundleEntryComponent entry = transaction.addEntry();
            String id = resource.getIdElement().getIdPart();
            String fullUrl = resource.getIdElement().getValue();
            if (fullUrl != null && fullUrl.startsWith("urn:")) {
                resource.setId((String) null);
                entry.setFullUrl(fullUrl).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(resource.fhirType());
            } else if (id != null) {
                entry.setFullUrl(resource.fhirType() + "/" + id).getRequest().setMethod(Bundle.HTTPVerb.PUT)
                        .setUrl(resource.fhirType() + "/" + id);
            } else {
                entry.setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).getRequest()
                        .setMethod(Bundle.HTTPVerb.POST).setUrl(resource.fhirType());
            }
            entry.setResource(resource);
        }
        Bundle response = transaction.hasEntry() ? store(transaction, baseUrl) : new Bundle();
        // A stored Condition named by reference keeps its id; the inputs stored beside it re-plan it.
        String conditionId = request.storedCondition() != null
                ? request.storedCondition().getIdElement().getIdPart()
                : storedConditionId(transaction, response);
        return resources.find("CarePlan", CarePlanService.carePlanIdFor(conditionId))
                .map(stored -> context.newJsonParser().parseResource(CarePlan.class, stored.json()))
                .orElseThrow(() -> new IllegalStateException("The stored Condition made no CarePlan"));
    }

    private Bundle store(Bundle transaction, String baseUrl) {
        byte[] json = context.newJsonParser().encodeResourceToString(transaction).getBytes(StandardCharsets.UTF_8);
        return bundles.process(json, "application/fhir+json",
                new BundleService.BundleOptions(baseUrl, BundleService.ReturnContent.MINIMAL));
    }

    private static String storedConditionId(Bundle transaction, Bundle response) {
        for (int i = 0; i < transaction.getEntry().size(); i++) {
            if (transaction.getEntry().get(i).getResource() instanceof Condition) {
                return new IdType(response.getEntry().get(i).getResponse().getLocation()).getIdPart();
            }
        }
        // generate() has already refused a request without exactly one Condition
        throw new IllegalStateException("$generate stored no Condition");
    }

    /** The resources of the body, with the ids and fullUrls they came with. */
    private static List<Resource> inputResources(IncomingResources.Incoming body) {
        List<Resource> resources = new ArrayList<>();
        List<Bundle.BundleEntryComponent> entries = new ArrayList<>();
        if (body.resource() instanceof Bundle bundle) {
            entries.addAll(bundle.getEntry());
        } else if (body.resource() instanceof Parameters parameters) {
            for (Parameters.ParametersParameterComponent part : parameters.getParameter()) {
                if (part.getResource() instanceof Bundle bundle) {
                    entries.addAll(bundle.getEntry());
                } else if (part.getResource() != null) {
                    resources.add(part.getResource());
                }
            }
        }
        for (Bundle.BundleEntryComponent entry : entries) {
            if (entry.getResource() != null) {
                Resource resource = entry.getResource();
                if (entry.hasFullUrl() && entry.getFullUrl().startsWith("urn:")) {
                    resource.setId(entry.getFullUrl());
                }
                resources.add(resource);
            }
        }
        return resources;
    }

    /**
     * What a {@code $generate} body asks for: the resources given inline (a Bundle, or Parameters with a
     * {@code data} Bundle and {@code resource} parts), and the stored Condition a Parameters {@code condition}
     * reference names (read as the caller's token allows), or null.
     */
    public record GenerateRequest(OperationInputs inline, Condition storedCondition) {
    }

    public GenerateRequest request(IncomingResources.Incoming body) {
        IBaseResource resource = body.resource();
        if (resource instanceof Bundle bundle) {
            return new GenerateRequest(OperationInputs.of(bundle.getEntry(), List.of()), null);
        }
        if (resource instanceof Parameters parameters) {
            List<Bundle.BundleEntryComponent> entries = new ArrayList<>();
            List<Resource> loose = new ArrayList<>();
            List<Condition> stored = new ArrayList<>();
            for (Parameters.ParametersParameterComponent part : parameters.getParameter()) {
                if (part.getResource() instanceof Bundle bundle) {
                    entries.addAll(bundle.getEntry());
                } else if (part.getResource() != null) {
                    loose.add(part.getResource());
                } else if ("condition".equals(part.getName()) && part.getValue() instanceof Reference reference) {
                    stored.add(storedCondition(reference));
                }
            }
            OperationInputs inline = OperationInputs.of(entries, loose);
            if (stored.size() + inline.conditions().size() > 1) {
                throw new InvalidRequestException("$generate needs exactly one Condition, got "
                        + (stored.size() + inline.conditions().size()));
            }
            return new GenerateRequest(inline, stored.isEmpty() ? null : stored.get(0));
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

    /**
     * The plan of the request's Condition. A stored Condition is planned from its patient's stored facts, with the
     * resources given inline merged on top ({@link PatientFacts}), and with its received time and stored plan: so,
     * for the same facts at the same time, exactly as the service plans it. A Condition given inline is a preview
     * planned from the resources given with it alone (about its subject), as if received now.
     */
    public CarePlan generate(GenerateRequest request) {
        return generate(request, false);
    }

    /**
     * @param asStored plan a Condition given inline as the service will once it is stored: from its patient's
     *                 stored facts with the body merged on top, with the received time and stored plan of the
     *                 Condition its id names (none for a new one)
     */
    private CarePlan generate(GenerateRequest request, boolean asStored) {
        Instant now = clock.instant();
        Protocol protocol = protocols.active().protocol();
        PatientFacts.Inline inline = request.inline().asInline();
        Condition condition;
        PatientFacts facts;
        Instant received = now;
        CarePlan existing = null;
        if (request.storedCondition() != null || asStored) {
            condition = request.storedCondition() != null ? request.storedCondition() : singleCondition(request.inline());
            String conditionId = condition.getIdElement().getIdPart();
            facts = planningFacts.of(condition.getSubject(), PlanningFactsLoader.Reader.CALLER, protocol, inline);
            received = planningFacts.receivedAt(condition, now);
            existing = planningFacts.storedPlan(conditionId);
        } else {
            condition = singleCondition(request.inline());
            facts = planningFacts.inlineOnly(condition.getSubject(), protocol, inline);
        }
        CarePlanPlanner.Planned planned = CarePlanPlanner.plan(protocol, condition, facts.abscessCandidates(),
                new Reference(facts.subject()), facts.medicationRequests(), facts::medication, facts.observations(),
                received, existing, now);
        CarePlan plan = planned.carePlan().orElseThrow(() -> PlanOutcomes.noPlan(
                "The protocol makes no plan for this Condition", planned.decision().notes()));
        plan.setId((String) null);
        access.checkRead("CarePlan", plan);
        return plan;
    }

    private Condition storedCondition(Reference reference) {
        IdType id = new IdType(reference.getReference());
        if (!"Condition".equals(id.getResourceType()) || id.getIdPart() == null) {
            throw new InvalidRequestException("The condition parameter must reference a Condition, e.g. Condition/123");
        }
        var stored = resources.read("Condition", id.getIdPart());
        access.checkRead(stored);
        return context.newJsonParser().parseResource(Condition.class, stored.json());
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
