package health.ductcare.operation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.util.ParametersUtil;
import health.ductcare.fhir.ContentNegotiation;
import health.ductcare.fhir.IncomingResources;
import health.ductcare.security.AccessPolicy;
import health.ductcare.security.Interaction;
import health.ductcare.service.ReadOnlyResources;
import health.ductcare.service.ResourceService;
import health.ductcare.store.StoredResource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;

/**
 * {@code POST [type]/$validate} and {@code POST [type]/[id]/$validate} (operation-resource-validate.html): the
 * R4 validator's findings on a resource, without storing anything. The answer is 200 with an OperationOutcome
 * listing every issue, errors included, when the validation could be done, and a 4xx when it could not (an
 * unparseable body, a resource of another type than the URL's, a mode the URL does not allow, a profile this
 * server does not hold). With a {@code mode}, the outcome also says whether the write would be accepted: the
 * checks of that write (a read-only type, the id of the URL, the token's compartment) are run too.
 */
@ApplicationScoped
public class ValidateOperation {

    public static final String DEFINITION = "http://hl7.org/fhir/OperationDefinition/Resource-validate";
    private static final String CORE_PROFILES = "http://hl7.org/fhir/StructureDefinition/";

    enum Mode { CREATE, UPDATE, DELETE }

    private final IncomingResources incoming;
    private final ResourceService resources;
    private final AccessPolicy access;
    private final FhirContext context;

    public ValidateOperation(IncomingResources incoming, ResourceService resources, AccessPolicy access,
            FhirContext context) {
        this.incoming = incoming;
        this.resources = resources;
        this.access = access;
        this.context = context;
    }

    /**
     * Validates {@code body} (null when the request had none) for a resource of {@code type}; {@code id} is the
     * URL's id, null at type level. {@code mode} and {@code profile} come from a Parameters body or, for a bare
     * resource, from the query.
     */
    public OperationOutcome validate(String type, String id, IncomingResources.Incoming body,
            Map<String, List<String>> query) {
        IBaseResource resource = body == null ? null : body.resource();
        String modeValue = first(query, "mode");
        String profile = first(query, "profile");
        if (resource instanceof Parameters parameters && !type.equals("Parameters")) {
            resource = ParametersUtil.getNamedParameterResource(context, parameters, "resource").orElse(null);
            modeValue = ParametersUtil.getNamedParameterValueAsString(context, parameters, "mode").orElse(modeValue);
            profile = ParametersUtil.getNamedParameterValueAsString(context, parameters, "profile").orElse(profile);
        }
        Mode mode = mode(modeValue);
        if ((mode == Mode.UPDATE || mode == Mode.DELETE) && id == null) {
            throw new InvalidRequestException("mode " + modeValue.trim() + " needs the resource's id in the URL: "
                    + type + "/[id]/$validate");
        }
        if (mode == Mode.CREATE && id != null) {
            throw new InvalidRequestException("mode create is for " + type + "/$validate, without an id");
        }
        checkProfile(type, profile);
        if (mode == Mode.DELETE) {
            return deletable(type, id);
        }
        if (resource == null) {
            throw new InvalidRequestException("$validate needs a resource: the body, or a 'resource' parameter"
                    + " (only mode delete goes without)");
        }
        incoming.checkMatchesUrl(resource, type, mode == Mode.UPDATE ? id : null, mode == Mode.UPDATE);
        OperationOutcome outcome = incoming.validationOutcome(body.text());
        if (mode != null) {
            writable(type, id, resource, mode).ifPresent(problem -> addError(outcome, problem));
        }
        return withNoIssuesNoted(outcome, "No issues detected");
    }

    private OperationOutcome deletable(String type, String id) {
        StoredResource stored = resources.find(type, id)
                .orElseThrow(() -> new ResourceNotFoundException(new IdType(type, id)));
        access.checkRead(stored);
        OperationOutcome outcome = new OperationOutcome();
        Optional<String> problem = writeProblem(type);
        if (problem.isPresent()) {
            addError(outcome, problem.get());
        } else {
            access.checkWrite(Interaction.DELETE, type, null, () -> parse(stored));
        }
        return withNoIssuesNoted(outcome, "No issues detected: " + type + "/" + id + " can be deleted");
    }

    /** Why the write the mode names would be refused, beyond the content's validity; empty when it would not. */
    private Optional<String> writable(String type, String id, IBaseResource resource, Mode mode) {
        Optional<String> problem = writeProblem(type);
        if (problem.isPresent()) {
            return problem;
        }
        access.checkWrite(mode == Mode.CREATE ? Interaction.CREATE : Interaction.UPDATE, type, resource,
                () -> mode == Mode.UPDATE ? resources.find(type, id).map(this::parse).orElse(null) : null);
        return Optional.empty();
    }

    private IBaseResource parse(StoredResource stored) {
        return context.newJsonParser().parseResource(stored.json());
    }

    private static Optional<String> writeProblem(String type) {
        if (ReadOnlyResources.isReadOnly(type) || AccessPolicy.ADMIN_TYPES.contains(type)) {
            return Optional.of(type + " resources are read-only on this server");
        }
        return Optional.empty();
    }

    /** An OperationOutcome needs at least one issue: an information one says there was nothing to report. */
    private static OperationOutcome withNoIssuesNoted(OperationOutcome outcome, String diagnostics) {
        if (outcome.getIssue().isEmpty()) {
            outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                    .setCode(OperationOutcome.IssueType.INFORMATIONAL).setDiagnostics(diagnostics);
        }
        return outcome;
    }

    private static void addError(OperationOutcome outcome, String diagnostics) {
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(OperationOutcome.IssueType.BUSINESSRULE).setDiagnostics(diagnostics);
    }

    /** Only the core definition of the type: the validator holds no other profile to validate against. */
    private static void checkProfile(String type, String profile) {
        if (profile == null || profile.isBlank()) {
            return;
        }
        String canonical = profile.trim();
        int version = canonical.indexOf('|');
        if (version >= 0) {
            canonical = canonical.substring(0, version);
        }
        if (!canonical.equals(CORE_PROFILES + type)) {
            throw new InvalidRequestException("This server validates against the R4 core definitions only; it"
                    + " cannot validate against the profile " + ContentNegotiation.sanitize(profile.trim()));
        }
    }

    private static Mode mode(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Mode.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("Invalid mode '" + ContentNegotiation.sanitize(value)
                    + "': use create, update or delete (or none, for general validation)");
        }
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query == null ? null : query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
