package health.ductcare.operation;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.context.FhirContext;
import health.ductcare.fhir.IncomingResources;
import health.ductcare.search.SearchService;
import health.ductcare.security.AccessPolicy;
import health.ductcare.service.BundleService;
import health.ductcare.service.CarePlanService;
import health.ductcare.service.ResourceService;
import health.ductcare.store.StoredResource;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.IdType;
import health.ductcare.protocol.ProtocolService;
import health.ductcare.service.CarePlanPlanner;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * {@code POST /fhir/CarePlan/$generate}: a Condition with its supporting resources in, the CarePlan the active
 * protocol makes out, without storing anything - for integration testers and previews.
 */
@ApplicationScoped
public class GenerateCarePlanOperation {

    private static final int MAX_PATIENT_INPUTS = 1000;

    private final ProtocolService protocols;
    private final Clock clock;
    private final BundleService bundles;
    private final ResourceService resources;
    private final FhirContext context;
    private final AccessPolicy access;
    private final SearchService search;

    public GenerateCarePlanOperation(ProtocolService protocols, Clock clock, BundleService bundles,
            ResourceService resources, FhirContext context, AccessPolicy access, SearchService search) {
        this.access = access;
        this.search = search;
        this.protocols = protocols;
        this.clock = clock;
        this.bundles = bundles;
        this.resources = resources;
        this.context = context;
    }

    /**
     * {@code persist=true}: plans first (so an ineligible diagnosis stores nothing), then stores the inputs as one
     * transaction - whose Condition write makes the stored plan - and returns that stored CarePlan.
     */
    public CarePlan generateAndStore(IncomingResources.Incoming body, String baseUrl) {
        generate(inputs(body));
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
        byte[] json = context.newJsonParser().encodeResourceToString(transaction).getBytes(StandardCharsets.UTF_8);
        Bundle response = bundles.process(json, "application/fhir+json",
                new BundleService.BundleOptions(baseUrl, BundleService.ReturnContent.MINIMAL));
        for (int i = 0; i < transaction.getEntry().size(); i++) {
            if (transaction.getEntry().get(i).getResource() instanceof Condition) {
                String conditionId = new IdType(response.getEntry().get(i).getResponse().getLocation()).getIdPart();
                return resources.find("CarePlan", CarePlanService.carePlanIdFor(conditionId))
                        .map(stored -> context.newJsonParser().parseResource(CarePlan.class, stored.json()))
                        .orElseThrow(() -> new IllegalStateException("The stored Condition made no CarePlan"));
            }
        }
        throw new InvalidRequestException("$generate needs exactly one Condition");
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
     * The inputs of a {@code $generate} body: a Bundle, or Parameters with a {@code data} Bundle, resources, or a
     * {@code condition} reference to a stored Condition (read as the caller's token allows).
     */
    public OperationInputs inputs(IncomingResources.Incoming body) {
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
                } else if ("condition".equals(part.getName()) && part.getValue() instanceof Reference reference) {
                    Condition condition = storedCondition(reference);
                    loose.add(condition);
                    loose.addAll(storedInputsOfPatient(condition));
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
        String subject = condition.getSubject().getReference();
        // $generate plans the one Condition it is given; the patient's other diagnoses are not among its inputs.
        CarePlanPlanner.Planned planned = CarePlanPlanner.plan(protocols.active().protocol(), condition, List.of(),
                new Reference(subject), ofSubject(inputs.medicationRequests(), subject, MedicationRequest::getSubject),
                inputs::medication, ofSubject(inputs.observations(), subject, Observation::getSubject), now, null, now);
        CarePlan plan = planned.carePlan().orElseThrow(() -> PlanOutcomes.noPlan(
                "The protocol makes no plan for this Condition", planned.decision().notes()));
        access.checkRead("CarePlan", plan);
        return plan;
    }

    /** The inputs about the Condition's own patient: an order or a temperature of another patient is no input. */
    private static <T> List<T> ofSubject(List<T> inputs, String subject, Function<T, Reference> subjectOf) {
        if (subject == null) {
            return inputs;
        }
        return inputs.stream().filter(input -> sameTarget(subject, subjectOf.apply(input).getReference())).toList();
    }

    /** Patient/1 and http://host/fhir/Patient/1 name the same patient; urn:uuid references must be equal. */
    private static boolean sameTarget(String a, String b) {
        if (a == null || b == null) {
            return a == null && b == null;
        }
        if (a.equals(b)) {
            return true;
        }
        IdType first = new IdType(a);
        IdType second = new IdType(b);
        return first.hasResourceType() && first.hasIdPart() && !a.startsWith("urn:") && !b.startsWith("urn:")
                && first.getResourceType().equals(second.getResourceType())
                && first.getIdPart().equals(second.getIdPart());
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

    /**
     * For a stored Condition: the antibiotic orders and temperatures stored for its patient, which the plan the
     * service keeps for that Condition is made from too. Those the caller may not read are left out.
     */
    private List<Resource> storedInputsOfPatient(Condition condition) {
        String subject = condition.getSubject().getReference();
        if (subject == null || !subject.startsWith("Patient/")) {
            return List.of();
        }
        List<Resource> inputs = new ArrayList<>();
        for (String type : List.of("MedicationRequest", "Observation")) {
            for (StoredResource stored : search.match(type, Map.of("subject", List.of(subject)), MAX_PATIENT_INPUTS)) {
                Resource resource = (Resource) context.newJsonParser().parseResource(stored.json());
                try {
                    access.checkRead(type, resource);
                    inputs.add(resource);
                } catch (BaseServerResponseException notReadable) {
                    // Out of the caller's scopes: the plan is made without it.
                }
            }
        }
        return inputs;
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
