package health.ductcare.bundle;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import health.ductcare.fhir.ContentNegotiation;
import health.ductcare.service.CallerCriteria;
import health.ductcare.service.ResourceTypes;
import health.ductcare.store.StoredResource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Rewrites the references of a resource inside a transaction or batch (http.html#trules): a reference to the
 * {@code fullUrl} of another entry ({@code urn:uuid:}, {@code urn:oid:} or an absolute URL) becomes
 * {@code Type/id} of what that entry stored, and a conditional reference ({@code Patient?identifier=s|v})
 * becomes the one resource it matches (none: 400, several: 412). A resource written on its own gets its
 * conditional references resolved the same way ({@link #resolveConditionalReferences}).
 */
@ApplicationScoped
public class ReferenceResolver {

    private static final Pattern CONDITIONAL = Pattern.compile("^([A-Z][A-Za-z]{1,63})\\?(.+)$");

    private final FhirContext context;
    private final CallerCriteria search;
    private final ResourceTypes types;

    public ReferenceResolver(FhirContext context, CallerCriteria search, ResourceTypes types) {
        this.context = context;
        this.search = search;
        this.types = types;
    }

    /** The references in {@code resource} to the given fullUrls, as fullUrl, in document order. */
    public List<String> referencedFullUrls(IBaseResource resource, java.util.Set<String> fullUrls) {
        return references(resource).stream()
                .map(reference -> reference.getReferenceElement().getValue())
                .filter(value -> value != null && fullUrls.contains(value))
                .toList();
    }

    /**
     * Rewrites every reference of {@code resource} in place. {@code assigned} maps fullUrls to {@code Type/id};
     * {@code entryName} names the entry in errors.
     */
    public void rewrite(IBaseResource resource, Map<String, String> assigned, String entryName) {
        for (IBaseReference reference : references(resource)) {
            String value = reference.getReferenceElement().getValue();
            if (value == null || value.isEmpty()) {
                continue;
            }
            String target = assigned.get(value);
            if (target != null) {
                reference.setReference(target);
            } else if (value.startsWith("urn:uuid:") || value.startsWith("urn:oid:")) {
                throw new InvalidRequestException(entryName + " refers to " + ContentNegotiation.sanitize(value)
                        + ", which is the fullUrl of no entry of this Bundle that stores a resource");
            } else {
                resolveIfConditional(reference, value, entryName);
            }
        }
    }

    /**
     * Rewrites each conditional reference of a resource written on its own ({@code POST}, {@code PUT}) to the one
     * resource it matches, as in a transaction (none: 400, several: 412), so that what is stored is a literal
     * reference the search index, the compartments and the care plans follow; other references stay as written.
     */
    public void resolveConditionalReferences(IBaseResource resource) {
        for (IBaseReference reference : references(resource)) {
            String value = reference.getReferenceElement().getValue();
            if (value != null) {
                resolveIfConditional(reference, value, "The resource");
            }
        }
    }

    private void resolveIfConditional(IBaseReference reference, String value, String entryName) {
        Matcher conditional = CONDITIONAL.matcher(value);
        if (conditional.matches()) {
            reference.setReference(resolveConditional(conditional.group(1), conditional.group(2), entryName));
        }
    }

    private String resolveConditional(String type, String query, String entryName) {
        if (!types.isKnown(type)) {
            throw new InvalidRequestException(entryName + ": the conditional reference names '"
                    + ContentNegotiation.sanitize(type) + "', which is not an R4 resource type");
        }
        List<StoredResource> matches = search.match(type, EntryRequest.parseQuery(query), 2);
        if (matches.isEmpty()) {
            throw new InvalidRequestException(entryName + ": the conditional reference to " + type
                    + " matches no resource");
        }
        if (matches.size() > 1) {
            throw new PreconditionFailedException(entryName + ": the conditional reference to " + type
                    + " matches more than one resource");
        }
        return matches.get(0).versionlessReference();
    }

    private List<IBaseReference> references(IBaseResource resource) {
        return context.newTerser().getAllPopulatedChildElementsOfType(resource, IBaseReference.class);
    }
}
